package io.jmachine.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jmachine.engine.api.ApiServer;
import io.jmachine.engine.api.Router;
import io.jmachine.engine.api.TlsContexts;
import io.jmachine.engine.api.images.ImageRoutes;
import io.jmachine.engine.api.system.HostFacts;
import io.jmachine.engine.api.system.SystemRoutes;
import io.jmachine.engine.config.EngineConfig;
import io.jmachine.engine.config.HostAddress;
import io.jmachine.engine.image.ImageService;
import io.jmachine.engine.image.ImageUsage;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running engine: its directories claimed, its routes registered, its listeners open. */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineDirectories directories;
    private final ApiServer api;
    private final ImageService images;

    private Engine(EngineDirectories directories, ApiServer api, ImageService images) {
        this.directories = directories;
        this.api = api;
        this.images = images;
    }

    public static Engine start(EngineConfig config) {
        EngineDirectories directories = EngineDirectories.claim(config.dataRoot(), config.execRoot(), config.pidfile());
        ApiServer api = null;
        try {
            ObjectMapper json = JsonMapper.builder()
                    .addModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
                    .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .build();
            Router router = new Router();
            new SystemRoutes(directories.engineId(), config, HostFacts.read()).register(router);
            ImageService images = ImageService.open(config.dataRoot());
            // the container side will pass its own ImageUsage, so that rmi sees containers
            new ImageRoutes(images, ImageUsage.NONE).register(router);

            api = new ApiServer(router, json, config.execRoot().resolve("spool"));
            SslContext tls = config.tlsVerify() ? TlsContexts.mutualTlsServer(config.tlsCaCert(), config.tlsCert(), config.tlsKey()) : null;
            for (HostAddress host : config.hosts()) {
                api.listen(host, host instanceof HostAddress.Tcp ? tls : null, config.group());
            }
            LOG.info("jmachine-engine {} started (data root {}, exec root {})", EngineVersion.own(), config.dataRoot(), config.execRoot());
            return new Engine(directories, api, images);
        } catch (RuntimeException e) {
            if (api != null) {
                api.close();
            }
            directories.close();
            throw e;
        }
    }

    public ApiServer api() {
        return api;
    }

    public ImageService images() {
        return images;
    }

    @Override
    public void close() {
        LOG.info("jmachine-engine stopping");
        api.close();
        directories.close();
    }
}
