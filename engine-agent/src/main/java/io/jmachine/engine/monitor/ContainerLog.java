package io.jmachine.engine.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A container's log as conmon writes it (k8s-file), read the way {@code docker logs} reads its
 * json-file: whole lines, the last N, a time window, one stream or both, and following new lines
 * until the container has exited.
 */
public final class ContainerLog {

    /** Takes lines; returns false to stop (e.g. the client went away). */
    @FunctionalInterface
    public interface LogSink {
        boolean accept(LogLine line) throws IOException;
    }

    /** How long a follower sleeps at most between looks when no change is signalled (exit has no file event). */
    private static final long FOLLOW_WAKEUP_MILLIS = 250;

    private final Path file;
    private final BooleanSupplier exited;

    /**
     * @param file   the k8s-file log conmon writes
     * @param exited whether the container has exited: conmon writes its exit file only after the
     *               last output is in the log, so after that the log is complete
     */
    public ContainerLog(Path file, BooleanSupplier exited) {
        this.file = file;
        this.exited = exited;
    }

    public Path file() {
        return file;
    }

    /** The lines the query selects, as the log is now. */
    public List<LogLine> read(LogQuery query) throws IOException {
        List<LogLine> lines = new ArrayList<>();
        read(query, line -> lines.add(line));
        return lines;
    }

    /** Gives the lines the query selects, as the log is now, to {@code sink}. */
    public void read(LogQuery query, LogSink sink) throws IOException {
        K8sLogParser parser = new K8sLogParser();
        Selection selection = new Selection(query, sink);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                parser.feed(buffer, 0, n, selection);
            }
        } catch (NoSuchFileException e) {
            return; // not started yet: no output
        }
        parser.finish(selection);
        selection.flushTail();
    }

    /**
     * Gives the selected lines, then new lines as they are written, until the container has exited
     * and its last line is given, the query's {@code until} has passed, or {@code sink} says stop.
     */
    public void follow(LogQuery query, LogSink sink) throws IOException, InterruptedException {
        if (exited.getAsBoolean()) {
            read(query, sink); // complete already: the tail must count its unfinished last line too
            return;
        }
        K8sLogParser parser = new K8sLogParser();
        Selection selection = new Selection(query, sink);
        long position = 0;
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            Files.createDirectories(file.getParent());
            file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            position = readFrom(position, parser, selection);
            selection.flushTail();
            while (!selection.stopped()) {
                if (query.until() != null && java.time.Instant.now().isAfter(query.until())) {
                    return;
                }
                // look at exit before reading: what is read after an exit is the whole log
                boolean done = exited.getAsBoolean();
                long before = position;
                position = readFrom(position, parser, selection);
                if (done) {
                    parser.finish(selection);
                    break;
                }
                if (position == before) {
                    var key = watcher.poll(FOLLOW_WAKEUP_MILLIS, TimeUnit.MILLISECONDS);
                    if (key != null) {
                        key.pollEvents();
                        key.reset();
                    }
                }
            }
        } catch (ClosedWatchServiceException e) {
            // closed under us: the follow ends
        }
        selection.flushTail(); // only reports a sink's failure by now
    }

    /** Reads the file from {@code position} to its end; returns the new position. */
    private long readFrom(long position, K8sLogParser parser, Selection selection) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            if (channel.size() < position) {
                position = 0; // the file was truncated (conmon's size limit): start over
            }
            channel.position(position);
            InputStream in = Channels.newInputStream(channel);
            byte[] buffer = new byte[64 * 1024];
            int n;
            while (!selection.stopped() && (n = in.read(buffer)) > 0) {
                parser.feed(buffer, 0, n, selection);
                position += n;
            }
            return position;
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    /** Applies a query to lines as they come: the tail while the initial lines are read, then the filters. */
    private static final class Selection implements java.util.function.Consumer<LogLine> {
        private final LogQuery query;
        private final LogSink sink;
        private ArrayDeque<LogLine> tail;
        private boolean stopped;
        private IOException failure;

        Selection(LogQuery query, LogSink sink) {
            this.query = query;
            this.sink = sink;
            this.tail = query.tail() >= 0 ? new ArrayDeque<>() : null;
        }

        @Override
        public void accept(LogLine line) {
            if (tail != null) {
                if (query.tail() > 0) {
                    if (tail.size() == query.tail()) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                return;
            }
            give(line);
        }

        /** The initial lines are read: give the tail, and pass later lines straight through. */
        void flushTail() throws IOException {
            if (tail != null) {
                ArrayDeque<LogLine> lines = tail;
                tail = null;
                lines.forEach(this::give);
            }
            if (failure != null) {
                throw failure;
            }
        }

        private void give(LogLine line) {
            if (stopped || !query.accepts(line)) {
                return;
            }
            try {
                if (!sink.accept(line)) {
                    stopped = true;
                }
            } catch (IOException e) {
                failure = e;
                stopped = true;
            }
        }

        boolean stopped() {
            return stopped;
        }
    }
}
