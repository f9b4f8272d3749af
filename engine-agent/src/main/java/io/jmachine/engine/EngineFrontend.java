package io.jmachine.engine;

import io.jmachine.engine.config.EngineConfig;

/**
 * What serves the engine to its clients: the Docker API. The engine finds it on its class path
 * ({@link java.util.ServiceLoader}), so that nothing below the API depends on the API.
 */
public interface EngineFrontend extends AutoCloseable {

    /** Makes the front end in two steps, so that what needs only the config is set up while the backend starts. */
    interface Factory {
        /** Sets up what needs only the config (TLS), warming it up on a thread of its own. */
        Prepared prepare(EngineConfig config);
    }

    /** A front end set up from the config, to open over the backend. */
    interface Prepared {
        /** Its routes over the backend, listening on the config's hosts. */
        EngineFrontend open(EngineBackend backend);
    }

    /** Called on every request: the engine collects garbage when it goes quiet. */
    void onActivity(Runnable listener);

    @Override
    void close();
}
