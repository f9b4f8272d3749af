package io.jmachine.engine;

import io.jmachine.engine.testing.BusyboxRootfs;
import io.jmachine.engine.testing.DockerCli;
import io.jmachine.engine.testing.EngineUnderTest;
import io.jmachine.engine.testing.TarBuilder;
import io.jmachine.engine.testing.UnixHttp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An API client who may run containers tries to read or write the host through cp, load, build and volume copy-up:
 * links in a container, an archive or a build context that point at a host folder, and a container that swaps a
 * folder for such a link as fast as it can while files are copied. Each test watches a host folder of canaries:
 * nothing of it may be read, and nothing may be written into it. The same tests run against dockerd
 * (-Djmachine.peer.host), which refuses all of these.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostEscapeIT {

    static final String IMAGE = "localhost/it/escape:1";
    static final String SECRET = "HOST-SECRET-5f1e";
    /** Upload or download rounds against a container swapping links: bounded, and well past the ~15 the race once took. */
    static final int RACE_ROUNDS = 200;
    static final int RACE_CLIENTS = 3;
    /** Folders below the swapped one: each is a lookup an engine that checks, then opens, does in between. */
    static final String DEEP = "x/".repeat(20);

    @TempDir
    static Path dir;

    EngineUnderTest engine;
    DockerCli docker;
    Path host;

    @BeforeAll
    void start() throws Exception {
        engine = EngineUnderTest.start(dir);
        docker = engine.docker();
        ok("import", "-c", "CMD [\"sh\"]", BusyboxRootfs.tar(dir).toString(), IMAGE);
        host = Files.createDirectories(dir.resolve("host"));
        Files.writeString(host.resolve("secret"), SECRET + "\n");
        Files.writeString(Files.createDirectories(host.resolve(DEEP)).resolve("secret"), SECRET + "\n");
        Files.writeString(host.resolve("json"), "{\"author\":\"" + SECRET + "\",\"config\":{\"Env\":[\"HOST=" + SECRET + "\"]}}");
        Files.write(host.resolve("layer.tar"), new TarBuilder().build());
        Files.writeString(host.resolve("dockerfile"), "FROM " + IMAGE + "\n# " + SECRET + "\n");
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        assertHostUntouched();
    }

    String ok(String... args) throws Exception {
        DockerCli.Result result = docker.run(args);
        assertEquals(0, result.exitCode(), () -> "docker " + String.join(" ", args) + ": " + result.err() + result.out());
        return result.out().trim();
    }

    void assertHostUntouched() throws IOException {
        try (Stream<Path> files = Files.list(host)) {
            assertEquals(List.of("dockerfile", "json", "layer.tar", "secret", "x"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "nothing was written into the host folder");
        }
        assertEquals(SECRET + "\n", Files.readString(host.resolve("secret")));
        try (Stream<Path> files = Files.walk(host.resolve("x"))) {
            assertEquals(List.of("secret"), files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList());
        }
    }

    /** A container that swaps /work/d between a folder and a link to the host folder, as fast as it can. */
    String swapper(String name) throws Exception {
        return ok("run", "-d", "--name", name, IMAGE, "sh", "-c", "mkdir -p /work/d/" + DEEP + " && echo container > /work/d/"
                + DEEP + "secret && "
                + "while :; do mv /work/d /work/parked; ln -s " + host + " /work/d; rm /work/d; mv /work/parked /work/d; done");
    }

    @Test
    void uploadsIntoAContainerSwappingAFolderForALinkNeverWriteTheHost() throws Exception {
        String id = swapper("swap-in");
        byte[] tar = new TarBuilder().file("planted", "from the client").build();
        int written = race(round -> {
            UnixHttp.Response response = UnixHttp.request(engine.socket(), "PUT", "/containers/" + id + "/archive?path=/work/d/" + DEEP,
                    Map.of("Content-Type", "application/x-tar"), tar);
            assertFalse(Files.exists(host.resolve(DEEP + "planted")), "upload " + round + " wrote into the host folder");
            return response.status() == 200;
        });
        assertTrue(written > 0, "some uploads landed (in the container)");
        ok("rm", "-f", id);
        assertHostUntouched();
    }

    @Test
    void downloadsFromAContainerSwappingAFolderForALinkNeverReadTheHost() throws Exception {
        String id = swapper("swap-out");
        int read = race(round -> {
            UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET",
                    "/containers/" + id + "/archive?path=/work/d/" + DEEP + "secret", Map.of(), null);
            assertFalse(new String(response.body(), StandardCharsets.ISO_8859_1).contains(SECRET),
                    "download " + round + " returned the host's file");
            return response.status() == 200;
        });
        assertTrue(read > 0, "some downloads found the container's file");
        ok("rm", "-f", id);
    }

    interface Round {
        boolean run(int round) throws Exception;
    }

    /** RACE_CLIENTS clients, RACE_ROUNDS rounds each; the rounds that succeeded. */
    int race(Round round) throws Exception {
        var clients = java.util.concurrent.Executors.newFixedThreadPool(RACE_CLIENTS);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int c = 0; c < RACE_CLIENTS; c++) {
                int client = c;
                results.add(clients.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < RACE_ROUNDS; i++) {
                        ok += round.run(client * RACE_ROUNDS + i + 1) ? 1 : 0;
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (var result : results) {
                try {
                    ok += result.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return ok;
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void anExportWhileTheContainerSwapsLinksHoldsNothingOfTheHost() throws Exception {
        String id = swapper("swap-export");
        for (int i = 0; i < 30; i++) {
            UnixHttp.Response response = UnixHttp.request(engine.socket(), "GET", "/containers/" + id + "/export", Map.of(), null);
            assertEquals(200, response.status(), response::text);
            assertFalse(new String(response.body(), StandardCharsets.ISO_8859_1).contains(SECRET), "export " + (i + 1));
        }
        ok("rm", "-f", id);
    }

    @Test
    void aLoadedArchiveWhoseImageFolderIsALinkToTheHostLoadsNothingFromIt() throws Exception {
        // the layer is in the archive where the link leads inside it, so only the config would come from the host
        byte[] archive = new TarBuilder()
                .file("repositories", "{\"localhost/it/evil\":{\"1\":\"abc\"}}")
                .symlink("abc", host.toString())
                .file(host.toString().substring(1) + "/layer.tar", new String(new TarBuilder().build(), StandardCharsets.ISO_8859_1))
                .build();
        DockerCli.Result load = docker.runWithInput(archive, "load");
        DockerCli.Result inspect = docker.run("image", "inspect", "localhost/it/evil:1");
        assertFalse(load.out().contains(SECRET) || load.err().contains(SECRET), load.out() + load.err());
        assertFalse(inspect.out().contains(SECRET), "the host's json became the image's config: " + inspect.out());
    }

    @Test
    void aBuildContextLinkToAHostFolderCopiesNothingOfIt() throws Exception {
        Path context = Files.createDirectories(dir.resolve("context-copy"));
        Files.createSymbolicLink(context.resolve("hostlink"), host);
        Files.createSymbolicLink(context.resolve("hostetc"), Path.of("/etc"));
        for (String source : List.of("hostlink", "hostl?nk", "hostetc", "hoste?c")) {
            Files.writeString(context.resolve("Dockerfile"), "FROM " + IMAGE + "\nCOPY " + source + " /out/\n");
            DockerCli.Result build = docker.run("build", "-q", "-t", "localhost/it/copied:1", context.toString());
            if (build.exitCode() == 0) {
                String listing = ok("run", "--rm", "localhost/it/copied:1", "sh", "-c", "cat /out/* /out/*/* 2>/dev/null; ls -la /out");
                assertFalse(listing.contains(SECRET), "COPY " + source + " copied the host folder: " + listing);
                assertFalse(listing.contains("root:x:0:0"), "COPY " + source + " copied the host's /etc: " + listing);
            } else {
                assertTrue(build.err().contains("not found") || build.err().contains("no such file"), build.err());
            }
        }
    }

    @Test
    void aDockerfileThatIsALinkToAHostFileIsNotRead() throws Exception {
        byte[] context = new TarBuilder().symlink("dockerfile", host.resolve("dockerfile").toString()).build();
        UnixHttp.Response response = UnixHttp.request(engine.socket(), "POST", "/build?t=localhost/it/linked:1",
                Map.of("Content-Type", "application/x-tar"), context);
        assertFalse(response.text().contains(SECRET), "the answer quotes the host file: " + response.text());
        assertFalse(docker.run("image", "inspect", "localhost/it/linked:1").exitCode() == 0, "an image was built from the host file");
    }

    @Test
    void aCopyIntoALinkThatAnEarlierStepPlantedStaysInTheImage() throws Exception {
        Path context = Files.createDirectories(dir.resolve("context-dest"));
        Files.writeString(context.resolve("planted"), "from the context\n");
        Files.write(context.resolve("planted.tar"), new TarBuilder().file("unpacked", "from the archive").build());
        Files.writeString(context.resolve("Dockerfile"), "FROM " + IMAGE + "\n"
                + "RUN ln -s " + host + " /out && ln -s " + host + " /out2\n"
                + "COPY planted /out/\n"
                + "ADD planted.tar /out2/\n");
        ok("build", "-q", "-t", "localhost/it/dest:1", context.toString());
        assertHostUntouched();
        String inside = ok("run", "--rm", "localhost/it/dest:1", "cat", host + "/planted", host + "/unpacked");
        assertEquals("from the context\nfrom the archive", inside, "both landed at the link's target inside the image");
    }

    @Test
    void aVolumeMountedWhereTheImageHasALinkToAHostFolderGetsNothingOfIt() throws Exception {
        byte[] rootfs = new TarBuilder().symlink("data", host.toString()).build();
        Path tar = Files.write(dir.resolve("linked-data.tar"), rootfs);
        ok("import", tar.toString(), "localhost/it/linked-data:1");
        // a volume filled from the image's /data, then read by a second container
        ok("volume", "create", "escape-vol");
        DockerCli.Result run = docker.run("run", "--rm", "-v", "escape-vol:/data", "localhost/it/linked-data:1", "/nothing");
        String listing = ok("run", "--rm", "-v", "escape-vol:/v", IMAGE, "sh", "-c", "ls -A /v; cat /v/* 2>/dev/null; true");
        assertFalse(listing.contains(SECRET) || listing.contains("secret"), "copy-up took the host folder: " + listing + run.err());
        ok("volume", "rm", "escape-vol");
    }
}
