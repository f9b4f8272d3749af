package io.jmachine.engine.build;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmachine.engine.errors.EngineException;

/**
 * A build's own text, from whoever sends the context: a Dockerfile parses or is refused with a BuildException (or an
 * engine error), and a .dockerignore parses and matches any path without another exception. The corpus
 * (BuildInputFuzzTestInputs) runs in every build.
 */
class BuildInputFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyDockerfileParsesOrIsRefused(FuzzedDataProvider data) {
        try {
            DockerfileParser.parse(data.consumeRemainingAsString());
        } catch (BuildException | EngineException refused) {
            // the build fails with a message, as dockerd's
        }
    }

    @FuzzTest(maxDuration = "30s")
    void anyDockerignoreMatchesAnyPath(FuzzedDataProvider data) {
        String path = data.consumeString(200);
        DockerIgnore ignore;
        try {
            ignore = DockerIgnore.parse(data.consumeRemainingAsString());
        } catch (BuildException | EngineException refused) {
            return;
        }
        ignore.excludes(path);
        ignore.excludes("Dockerfile");
    }
}
