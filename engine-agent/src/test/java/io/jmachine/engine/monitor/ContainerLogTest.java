package io.jmachine.engine.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContainerLogTest {

    private static final java.util.concurrent.Executor OWN_THREAD = task -> Thread.ofVirtual().start(task);

    @TempDir
    Path dir;

    private static final String LOG = """
            2024-05-01T10:00:00.100000000+00:00 stdout F first
            2024-05-01T10:00:01.000000000+00:00 stdout P a long
            2024-05-01T10:00:01.500000000+00:00 stderr F oops
            2024-05-01T10:00:02.000000000+00:00 stdout P  line in
            2024-05-01T10:00:02.000000000+00:00 stdout F  pieces
            2024-05-01T12:00:03.123456789+02:00 stdout F\s
            2024-05-01T10:00:04.000000000+00:00 stderr F last
            """;

    private ContainerLog log(String content, boolean exited) throws Exception {
        Path file = dir.resolve("c.log");
        Files.writeString(file, content);
        return new ContainerLog(file, () -> exited);
    }

    private static List<String> texts(List<LogLine> lines) {
        return lines.stream().map(LogLine::text).toList();
    }

    @Test
    void partialPiecesAreJoinedPerStreamAndStampedWithTheFirstPiece() throws Exception {
        List<LogLine> lines = log(LOG, true).read(LogQuery.all());

        assertEquals(List.of("first", "oops", "a long line in pieces", "", "last"), texts(lines));
        assertEquals(Instant.parse("2024-05-01T10:00:01Z"), lines.get(2).time());
        assertEquals(OutputSource.STDERR, lines.get(1).source());
        assertEquals(Instant.parse("2024-05-01T10:00:03.123456789Z"), lines.get(3).time(), "offsets are honoured");
    }

    @Test
    void tailGivesExactlyTheLastLinesAndZeroGivesNone() throws Exception {
        ContainerLog log = log(LOG, true);

        assertEquals(List.of("last"), texts(log.read(LogQuery.all().withTail(1))));
        assertEquals(List.of("", "last"), texts(log.read(LogQuery.all().withTail(2))));
        assertEquals(List.of(), texts(log.read(LogQuery.all().withTail(0))));
        assertEquals(5, log.read(LogQuery.all().withTail(100)).size());
    }

    @Test
    void streamsAndTimeWindowsFilter() throws Exception {
        ContainerLog log = log(LOG, true);

        assertEquals(List.of("oops", "last"), texts(log.read(LogQuery.all().withStreams(false, true))));
        assertEquals(List.of("first", "a long line in pieces", ""), texts(log.read(LogQuery.all().withStreams(true, false))));
        assertEquals(List.of("oops", "a long line in pieces", ""),
                texts(log.read(LogQuery.all().withSince(Instant.parse("2024-05-01T10:00:01Z"))
                        .withUntil(Instant.parse("2024-05-01T10:00:03.9Z")))), "since and until are inclusive");
        assertEquals(List.of("first"), texts(log.read(LogQuery.all().withUntil(Instant.parse("2024-05-01T10:00:00.5Z")))));
    }

    @Test
    void linesBecomeDockersBytesWithOptionalRfc3339NanoTimestamps() throws Exception {
        List<LogLine> lines = log(LOG + "2024-05-01T10:00:05.000000000+00:00 stdout P prompt> \n", true).read(LogQuery.all());

        assertArrayEquals("first\n".getBytes(StandardCharsets.UTF_8), lines.get(0).bytes(false));
        assertEquals("2024-05-01T10:00:00.1Z first\n", new String(lines.get(0).bytes(true), StandardCharsets.UTF_8));
        assertEquals("2024-05-01T10:00:03.123456789Z", lines.get(3).timestamp());
        assertEquals("2024-05-01T10:00:04Z", lines.get(4).timestamp());
        LogLine unfinished = lines.get(5);
        assertFalse(unfinished.complete());
        assertEquals("prompt> ", new String(unfinished.bytes(false), StandardCharsets.UTF_8), "no newline it did not have");
    }

    @Test
    void aMissingLogIsEmpty() throws Exception {
        assertEquals(List.of(), new ContainerLog(dir.resolve("none.log"), () -> true).read(LogQuery.all()));
    }

    @Test
    void followGivesTheTailThenNewLinesAndEndsAtExit() throws Exception {
        Path file = dir.resolve("f.log");
        Files.writeString(file, "2024-05-01T10:00:00.000000000+00:00 stdout F old 1\n2024-05-01T10:00:00.100000000+00:00 stdout F old 2\n");
        AtomicBoolean exited = new AtomicBoolean();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        ContainerLog log = new ContainerLog(file, exited::get);

        CompletableFuture<Void> follower = CompletableFuture.runAsync(() -> {
            try {
                log.follow(LogQuery.all().withTail(1), line -> seen.add(line.text()));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, OWN_THREAD);
        try {
            followAlong(file, exited, seen, follower);
        } finally {
            exited.set(true); // a failed assertion must not leave the follower running
        }
    }

    private void followAlong(Path file, AtomicBoolean exited, List<String> seen, CompletableFuture<Void> follower) throws Exception {
        waitFor(() -> seen.size() == 1);
        assertEquals(List.of("old 2"), seen);
        append(file, "2024-05-01T10:00:01.000000000+00:00 stdout P new ");
        append(file, "\n2024-05-01T10:00:01.000000000+00:00 stdout F ");
        append(file, "rest\n");
        waitFor(() -> seen.size() == 2);
        assertEquals("new rest", seen.get(1));
        assertFalse(follower.isDone(), "a running container's log is followed on");

        append(file, "2024-05-01T10:00:02.000000000+00:00 stderr F bye\n");
        exited.set(true);
        follower.get(5, TimeUnit.SECONDS);
        assertEquals(List.of("old 2", "new rest", "bye"), seen);
    }

    @Test
    void followStopsWhenTheSinkSaysSo() throws Exception {
        ContainerLog log = log(LOG, false);
        List<String> seen = new ArrayList<>();

        CompletableFuture.runAsync(() -> {
            try {
                log.follow(LogQuery.all(), line -> seen.add(line.text()) && seen.size() < 2);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, OWN_THREAD).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("first", "oops"), seen);
    }

    private static void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met in time");
            Thread.sleep(20);
        }
    }
}
