package io.jmachine.drivers.kvm.image;

import io.jmachine.drivers.Progress;
import java.util.Locale;

/**
 * The progress of one download as a status line, updated at most once per {@code intervalNanos} (and at the end), so
 * that a slow download shows it moves without flooding a log.
 */
final class DownloadProgress {

    private final Progress out;
    private final String what;
    private final long total;
    private final long intervalNanos;
    private long lastPrinted;
    private boolean printedAny;

    /** @param total the expected size in bytes, or -1 when the server did not say */
    DownloadProgress(Progress out, String what, long total, long intervalNanos) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.intervalNanos = intervalNanos;
    }

    void update(long done) {
        long now = System.nanoTime();
        if (printedAny && now - lastPrinted < intervalNanos) {
            return;
        }
        print(done);
        lastPrinted = now;
        printedAny = true;
    }

    void finish(long done) {
        print(done);
    }

    private void print(long done) {
        String line = total > 0
                ? String.format(Locale.ROOT, "downloading %s: %d%% (%s of %s)", what, done * 100 / total, mib(done), mib(total))
                : String.format(Locale.ROOT, "downloading %s: %s", what, mib(done));
        out.status(line);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
