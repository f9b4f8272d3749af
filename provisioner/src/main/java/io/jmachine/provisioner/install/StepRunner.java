package io.jmachine.provisioner.install;

import io.jmachine.drivers.Progress;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs {@link InstallStep}s with progress, a timeout each, undo on failure and commit on success. */
public final class StepRunner {

    private final Progress progress;

    public StepRunner(Progress progress) {
        this.progress = progress;
    }

    public void run(List<InstallStep> steps) {
        Deque<InstallStep> done = new ArrayDeque<>();
        int number = 0;
        for (InstallStep step : steps) {
            number++;
            String label = "[" + number + "/" + steps.size() + "] " + step.name();
            progress.status(label + "…");
            long started = System.nanoTime();
            try {
                runWithTimeout(step);
            } catch (Exception e) {
                String cause = describe(e);
                progress.report(label + ": failed: " + cause);
                done.push(step);
                undo(done);
                throw new InstallException(step.name(), "step \"" + step.name() + "\" failed: " + cause + "; " + step.remedy(), e);
            }
            done.push(step);
            progress.report(label + ": done in " + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9));
        }
        for (InstallStep step : steps) {
            try {
                step.commit();
            } catch (Exception e) {
                // everything works; only a leftover (a backup) stays behind
                progress.report("cleaning up after \"" + step.name() + "\" failed: " + describe(e));
            }
        }
    }

    /** A step runs in its own thread, so that a hung step is interrupted when its time is up. */
    private static void runWithTimeout(InstallStep step) throws Exception {
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<?> future = executor.submit(() -> {
                step.run();
                return null;
            });
            try {
                future.get(step.timeout().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                future.cancel(true);
                throw new TimeoutException("it did not finish within " + step.timeout().toSeconds() + " s");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        } finally {
            executor.shutdownNow();
        }
    }

    private void undo(Deque<InstallStep> done) {
        while (!done.isEmpty()) {
            InstallStep step = done.pop();
            try {
                step.undo();
            } catch (Exception e) {
                progress.report("undoing \"" + step.name() + "\" failed too: " + describe(e));
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
