package io.jmachine.engine;

import io.jmachine.engine.config.EngineConfig;

/**
 * What serves the engine to its clients: the Docker API. The engine finds it on its class path
 * ({@link java.util.ServiceLoader}), so that nothing below the API depends on the API.
 */
public interface EngineFrontend extends AutoCloseable {

    /** Makes the front end: its routes over the backend, listening on the config's hosts. */
    interface Factory {
        EngineFrontend open(EngineBackend backend, EngineConfig config);
    }

    /** Called on every request: the engine collects garbage when it goes quiet. */
    void onActivity(Runnable listener);

    @Override
    void close();
}
