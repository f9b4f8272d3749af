package io.jmachine.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jmachine.engine.config.EngineConfig;
import io.jmachine.engine.image.ImageService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running engine: its directories claimed, its services started, its front end listening. */
public final class Engine implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private final EngineDirectories directories;
    private final EngineFrontend api;
    private final EngineServices services;
    private final IdleMemory idleMemory;

    private Engine(EngineDirectories directories, EngineFrontend api, EngineServices services) {
        this.directories = directories;
        this.api = api;
        this.services = services;
        this.idleMemory = new IdleMemory();
        api.onActivity(idleMemory::touch);
        idleMemory.touch(); // start-up leaves garbage and a grown heap too
    }

    public static Engine start(EngineConfig config) {
        EngineDirectories directories = EngineDirectories.claim(config.dataRoot(), config.execRoot(), config.pidfile());
        EngineFrontend api = null;
        EngineServices services = null;
        try {
            EngineFrontend.Prepared frontend = frontend().prepare(config);
            ObjectMapper json = EngineJson.mapper();
            services = EngineServices.start(config, directories.engineId(), json);
            api = frontend.open(services.backend());
            LOG.info("jmachine-engine {} started (data root {}, exec root {})", EngineVersion.own(), config.dataRoot(), config.execRoot());
            return new Engine(directories, api, services);
        } catch (RuntimeException e) {
            if (api != null) {
                api.close();
            }
            if (services != null) {
                services.close();
            }
            directories.close();
            throw e;
        }
    }

    public ImageService images() {
        return services.backend().images();
    }

    /** The Docker API, the one front end on the class path. */
    private static EngineFrontend.Factory frontend() {
        return java.util.ServiceLoader.load(EngineFrontend.Factory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no EngineFrontend.Factory on the class path: the engine's jar is incomplete"));
    }

    /** What a host's shutdown does before the engine stops: every container stopped as `docker stop` would, all at once. */
    public void stopContainersForHostShutdown() {
        services.stopContainersForHostShutdown();
    }

    /**
     * Stops the engine; its containers keep running (live-restore), unless the host is shutting down: then they are
     * stopped first, as dockerd stops its containers, so that the shutdown does not wait for them and restart
     * policies bring them back at the next boot.
     */
    @Override
    public void close() {
        LOG.info("jmachine-engine stopping");
        idleMemory.close();
        api.close();
        if (io.jmachine.engine.linux.HostShutdown.inProgress()) {
            stopContainersForHostShutdown();
        }
        services.close();
        directories.close();
    }
}
