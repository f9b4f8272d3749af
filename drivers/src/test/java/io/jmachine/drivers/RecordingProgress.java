package io.jmachine.drivers;

import java.util.ArrayList;
import java.util.List;

/** A Progress that keeps what it is told, for tests: phase lines, status lines and details apart. */
public final class RecordingProgress implements Progress {

    private final List<String> reports = new ArrayList<>();
    private final List<String> statuses = new ArrayList<>();
    private final List<String> details = new ArrayList<>();

    @Override
    public synchronized void report(String line) {
        reports.add(line);
    }

    @Override
    public synchronized void status(String line) {
        statuses.add(line);
    }

    @Override
    public synchronized void detail(String line) {
        details.add(line);
    }

    public synchronized List<String> reports() {
        return List.copyOf(reports);
    }

    public synchronized List<String> statuses() {
        return List.copyOf(statuses);
    }

    public synchronized List<String> details() {
        return List.copyOf(details);
    }

    /** Everything, one line each, in the order of kinds: reports, then statuses, then details. */
    public synchronized String text() {
        List<String> all = new ArrayList<>(reports);
        all.addAll(statuses);
        all.addAll(details);
        return String.join("\n", all);
    }
}
