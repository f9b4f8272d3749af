package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `docker build` with the legacy builder (the CLI has no buildx here) against one engine in this JVM: stages,
 * args, COPY --from, ADD of a tar, .dockerignore, the layer cache, failures, stdin Dockerfiles, -q and tags.
 * After the class no container (RUN steps' included) may be left, nor anything of them on the host.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildIT {

    static final String BASE = "localhost/it/busybox:1";

    @TempDir
    static Path dir;

    TestEngine engine;
    DockerCli docker;

    @BeforeAll
    void start() throws Exception {
        engine = TestEngine.start(dir);
        docker = new DockerCli(Map.of("DOCKER_HOST", "unix://" + engine.roots().socket(), "DOCKER_BUILDKIT", "0"));
        ok("import", BusyboxRootfs.tar(dir).toString(), BASE);
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    DockerCli.Result run(String... args) throws Exception {
        return docker.run(args);
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out();
    }

    Path context(String name, String dockerfile) throws Exception {
        Path ctx = Files.createDirectories(dir.resolve(name));
        Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
        return ctx;
    }

    @Test
    void multiStageArgsCopyFromAddTarAndIgnore() throws Exception {
        Path ctx = context("multi", """
                ARG BASE=%s
                FROM ${BASE} AS builder
                ARG GREETING=hello
                RUN echo "$GREETING from ${GREETING:+the} build" > /greeting.txt

                FROM ${BASE}
                ENV APP=/app
                WORKDIR $APP
                COPY --from=builder /greeting.txt ./
                COPY --chown=65534:65534 files/ ./files/
                ADD packed.tar ./unpacked/
                COPY . /ctx/
                USER nobody
                EXPOSE 8080 53/udp
                HEALTHCHECK --interval=5s --retries=2 CMD test -e /app
                ONBUILD RUN echo triggered > /tmp/trigger.txt
                CMD ["sh", "-c", "cat greeting.txt files/one.txt unpacked/packed.txt"]
                """.formatted(BASE));
        Files.createDirectories(ctx.resolve("files"));
        Files.writeString(ctx.resolve("files/one.txt"), "one\n");
        Files.writeString(ctx.resolve("secret.txt"), "secret\n");
        Files.writeString(ctx.resolve(".dockerignore"), "secret.txt\n");
        Path packed = Files.createDirectories(dir.resolve("packed"));
        Files.writeString(packed.resolve("packed.txt"), "inside\n");
        Process tar = new ProcessBuilder("tar", "-C", packed.toString(), "-cf", ctx.resolve("packed.tar").toString(), "packed.txt").start();
        assertEquals(0, tar.waitFor());

        String out = ok("build", "-t", "localhost/it/multi:1", "-t", "localhost/it/multi:2", "--build-arg", "GREETING=bonjour",
                "--label", "built.by=it", ctx.toString());
        assertTrue(out.contains("Step 1/17 : ARG BASE=" + BASE), out);
        assertTrue(out.contains("Successfully tagged localhost/it/multi:1") && out.contains("Successfully tagged localhost/it/multi:2"), out);
        assertEquals("bonjour from the build\none\ninside", ok("run", "--rm", "localhost/it/multi:2").strip());
        assertEquals("nobody /app 53/udp 8080/tcp it", ok("image", "inspect", "-f",
                "{{.Config.User}} {{.Config.WorkingDir}} {{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}{{index .Config.Labels \"built.by\"}}",
                "localhost/it/multi:1").strip());
        assertEquals("[CMD-SHELL test -e /app] 5s 2 [RUN echo triggered > /tmp/trigger.txt]", ok("image", "inspect", "-f",
                "{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Interval}} {{.Config.Healthcheck.Retries}} {{.Config.OnBuild}}",
                "localhost/it/multi:1").strip());
        assertEquals("absent 65534 0", ok("run", "--rm", "--entrypoint", "sh", "localhost/it/multi:1", "-c",
                "test -e /ctx/secret.txt && echo present || echo absent; stat -c %u /app/files/one.txt; stat -c %u /app/greeting.txt").strip()
                .replace("\n", " "));

        // the cache: every step again, then a changed file invalidates its COPY and what follows
        String again = ok("build", "-t", "localhost/it/multi:1", "--build-arg", "GREETING=bonjour", "--label", "built.by=it", ctx.toString());
        assertEquals(14, again.split("Using cache", -1).length - 1, again);
        Files.writeString(ctx.resolve("files/one.txt"), "two\n");
        String changed = ok("build", "-t", "localhost/it/multi:3", "--build-arg", "GREETING=bonjour", ctx.toString());
        assertEquals(5, changed.split("Using cache", -1).length - 1, "the builder stage, ENV and WORKDIR and COPY --from: " + changed);
        assertEquals("bonjour from the build\ntwo\ninside", ok("run", "--rm", "localhost/it/multi:3").strip());
        String other = ok("build", "-q", "-t", "localhost/it/other:1", "--build-arg", "GREETING=hi", ctx.toString()).strip();
        assertTrue(other.matches("sha256:[0-9a-f]{64}"), "-q prints the ID alone: " + other);
        assertEquals("hi from the build", ok("run", "--rm", other, "cat", "/app/greeting.txt").strip());

        // --target stops at the stage; --no-cache uses no cache
        String target = ok("build", "--no-cache", "--target", "builder", "-t", "localhost/it/stage:1", ctx.toString());
        assertFalse(target.contains("Using cache"), target);
        assertTrue(target.contains("Step 4/4 :"), target);
        assertEquals("hello from the build", ok("run", "--rm", "localhost/it/stage:1", "cat", "/greeting.txt").strip());

        // ONBUILD triggers run in the image built on top
        Path child = context("child", "FROM localhost/it/multi:1\nRUN cat /tmp/trigger.txt\n");
        String built = ok("build", "-t", "localhost/it/child:1", child.toString());
        assertTrue(built.contains("# Executing 1 build trigger"), built);
        assertEquals("triggered", ok("run", "--rm", "--entrypoint", "cat", "localhost/it/child:1", "/tmp/trigger.txt").strip());
        assertEquals("", ok("image", "inspect", "-f", "{{if .Config.OnBuild}}{{.Config.OnBuild}}{{end}}", "localhost/it/child:1").strip());

        // a step's image is the next one's parent: listed with -a only, never dangling (a stage's last image is,
        // as with dockerd, when no tag names it)
        String parent = ok("image", "inspect", "-f", "{{.Parent}}", "localhost/it/multi:1").strip();
        assertTrue(parent.startsWith("sha256:"), parent);
        String shortParent = parent.substring(7, 19);
        assertTrue(ok("images", "-aq").contains(shortParent));
        assertFalse(ok("images", "-q").contains(shortParent));
        assertFalse(ok("images", "-q", "--filter", "dangling=true").contains(shortParent));
    }

    @Test
    void aFailingRunFailsWithItsCodeAndLeavesNoContainer() throws Exception {
        Path ctx = context("broken", "FROM " + BASE + "\nRUN echo before\nRUN exit 7\n");
        for (String rm : new String[] {"--rm=true", "--rm=false"}) { // --no-cache: a cached step makes no container to keep
            DockerCli.Result result = run("build", "--no-cache", rm, ctx.toString());
            assertNotEquals(0, result.exitCode());
            assertTrue(result.err().contains("The command '/bin/sh -c exit 7' returned a non-zero code: 7"), result.err());
            assertTrue(result.out().contains("before"), "the RUN output streamed: " + result.out());
        }
        assertEquals(7, run("build", "-q", ctx.toString()).exitCode(), "the CLI exits with the command's code");
        assertEquals(1, ok("ps", "-aq").lines().count(), "only the --rm=false build keeps its successful RUN container");
        ok("rm", ok("ps", "-aq").strip());
        DockerCli.Result missing = run("build", context("missing", "FROM " + BASE + "\nCOPY nothere /x\n").toString());
        assertNotEquals(0, missing.exitCode());
        assertTrue(missing.err().contains("nothere"), missing.err());
        DockerCli.Result noBase = run("build", context("nobase", "FROM localhost/it/absent:1\n").toString());
        assertTrue(noBase.err().contains("pull access denied"), noBase.err());
        assertEquals("", ok("ps", "-aq").strip());
    }

    @Test
    void dockerfileOnStdinAndOutsideTheContext() throws Exception {
        DockerCli.Result alone = docker.runWithInput(("FROM " + BASE + "\nCMD [\"echo\", \"stdin\"]\n").getBytes(StandardCharsets.UTF_8),
                "build", "-q", "-t", "localhost/it/stdin:1", "-");
        assertEquals(0, alone.exitCode(), alone.err());
        assertEquals("stdin", ok("run", "--rm", "localhost/it/stdin:1").strip());

        Path ctx = context("withctx", "FROM scratch\n");
        Files.writeString(ctx.resolve("data.txt"), "data\n");
        DockerCli.Result piped = docker.runWithInput(("FROM " + BASE + "\nCOPY . /ctx/\nCMD ls -A /ctx\n").getBytes(StandardCharsets.UTF_8),
                "build", "-t", "localhost/it/stdin:2", "-f", "-", ctx.toString());
        assertEquals(0, piped.exitCode(), piped.err());
        assertEquals("Dockerfile\ndata.txt", ok("run", "--rm", "localhost/it/stdin:2").strip(),
                "the CLI's copy of the stdin Dockerfile and its .dockerignore stay out of the image");

        Path outside = dir.resolve("Outside.dockerfile");
        Files.writeString(outside, "FROM " + BASE + "\nCOPY data.txt /\nCMD [\"cat\", \"/data.txt\"]\n");
        ok("build", "-f", outside.toString(), "-t", "localhost/it/outside:1", ctx.toString());
        assertEquals("data", ok("run", "--rm", "localhost/it/outside:1").strip());
    }
}
