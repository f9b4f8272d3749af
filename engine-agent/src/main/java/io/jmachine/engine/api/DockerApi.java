package io.jmachine.engine.api;

import io.jmachine.engine.EngineBackend;
import io.jmachine.engine.EngineFrontend;
import io.jmachine.engine.api.build.BuildRoutes;
import io.jmachine.engine.api.containers.ArchiveRoutes;
import io.jmachine.engine.api.containers.ContainerRoutes;
import io.jmachine.engine.api.containers.DiskUsageRoutes;
import io.jmachine.engine.api.containers.ExecRoutes;
import io.jmachine.engine.api.containers.ProcessRoutes;
import io.jmachine.engine.api.containers.UpdateRoutes;
import io.jmachine.engine.api.images.ImageRoutes;
import io.jmachine.engine.api.images.RegistryRoutes;
import io.jmachine.engine.api.networks.NetworkRoutes;
import io.jmachine.engine.api.system.EventRoutes;
import io.jmachine.engine.api.system.HostFacts;
import io.jmachine.engine.api.system.SwarmRoutes;
import io.jmachine.engine.api.system.SystemRoutes;
import io.jmachine.engine.api.volumes.VolumeRoutes;
import io.jmachine.engine.config.EngineConfig;
import io.jmachine.engine.config.HostAddress;
import io.jmachine.engine.container.ContainerRecord;

import java.util.List;

/** The Docker Engine API over the engine's backend: the route table, and the server listening on the config's hosts. */
public final class DockerApi implements EngineFrontend.Factory {

    @Override
    public EngineFrontend.Prepared prepare(EngineConfig config) {
        ServerTls tls = config.tlsVerify() ? ServerTls.mutual(config.tlsCaCert(), config.tlsCert(), config.tlsKey()) : null;
        if (tls != null) {
            // the first client's handshake (create and start wait for it) finds the curves' tables and the handshake's
            // code set up: done while the backend starts rather than after the API listens (seconds in a TCG guest)
            Thread.ofPlatform().daemon().name("tls-warm-up").start(tls::warmUp);
        }
        return backend -> open(backend, config, tls);
    }

    private static EngineFrontend open(EngineBackend backend, EngineConfig config, ServerTls tls) {
        Router router = routes(backend, config);
        ApiServer server = new ApiServer(router, backend.json(), config.execRoot().resolve("spool"));
        try {
            for (HostAddress host : config.hosts()) {
                server.listen(host, host instanceof HostAddress.Tcp ? tls : null, config.group());
            }
            // the first client's request finds the HTTP path's code run once already
            Thread.ofPlatform().daemon().name("warm-up").start(server::warmUp);
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    static Router routes(EngineBackend backend, EngineConfig config) {
        Router router = new Router();
        var clock = backend.clock();
        var containers = backend.containers();
        var images = backend.images();
        EventRoutes eventRoutes = new EventRoutes(backend.events(), clock);
        eventRoutes.register(router);
        new SystemRoutes(backend.engineId(), config, HostFacts.read(), () -> counts(backend, eventRoutes.listeners())).register(router);
        new SwarmRoutes().register(router);
        RegistryRoutes registry = new RegistryRoutes(backend.registry());
        registry.register(router);
        new ImageRoutes(images, backend.imageUsage(), registry, backend.events()).register(router);
        DiskUsageRoutes diskUsage = new DiskUsageRoutes(containers, images, clock, backend.ports(), backend.volumes());
        diskUsage.register(router);
        new ContainerRoutes(containers, clock, diskUsage::sizes, backend.ports(),
                record -> images.containerGraphDriverData(record.id(), record.image()), backend.execs()::pendingIds).register(router);
        new ExecRoutes(backend.execs()).register(router);
        new UpdateRoutes(backend.updates()).register(router);
        new ProcessRoutes(containers, clock).register(router);
        new VolumeRoutes(backend.volumes()).register(router);
        new ArchiveRoutes(backend.files()).register(router);
        new NetworkRoutes(backend.network(), containers, clock, backend.events()).register(router);
        new BuildRoutes(backend.builder()).register(router);
        return router;
    }

    private static SystemRoutes.Counts counts(EngineBackend backend, int eventListeners) {
        List<ContainerRecord> all = backend.containers().list(true);
        // dockerd counts a restarting container as running
        int running = (int) all.stream().filter(c -> c.state().runningAsShown() && !c.state().paused()).count();
        int paused = (int) all.stream().filter(c -> c.state().paused()).count();
        return new SystemRoutes.Counts(all.size(), running, paused, all.size() - running - paused, backend.images().all().size(),
                eventListeners);
    }
}
