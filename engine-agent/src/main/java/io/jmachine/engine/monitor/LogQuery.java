package io.jmachine.engine.monitor;

import java.time.Instant;

/**
 * Which lines of a log to give, as {@code docker logs} selects them: the last {@code tail} lines
 * (negative for all), then those at or after {@code since} and at or before {@code until} (null for
 * no bound), of the chosen streams.
 */
public record LogQuery(boolean stdout, boolean stderr, int tail, Instant since, Instant until) {

    public static LogQuery all() {
        return new LogQuery(true, true, -1, null, null);
    }

    public LogQuery withTail(int lines) {
        return new LogQuery(stdout, stderr, lines, since, until);
    }

    public LogQuery withStreams(boolean withStdout, boolean withStderr) {
        return new LogQuery(withStdout, withStderr, tail, since, until);
    }

    public LogQuery withSince(Instant from) {
        return new LogQuery(stdout, stderr, tail, from, until);
    }

    public LogQuery withUntil(Instant to) {
        return new LogQuery(stdout, stderr, tail, since, to);
    }

    /** Whether a line passes the stream and time filters (tail is applied before, over all lines). */
    boolean accepts(LogLine line) {
        boolean stream = line.source() == OutputSource.STDOUT ? stdout : stderr;
        return stream && (since == null || !line.time().isBefore(since)) && (until == null || !line.time().isAfter(until));
    }
}
