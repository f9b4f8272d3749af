package io.jmachine.engine.api.containers;

import io.jmachine.engine.api.HijackedStream;
import io.jmachine.engine.container.AttachHub;
import io.jmachine.engine.container.ContainerProcesses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One `docker attach` (or the attach of `docker run`/`start -a`): container output to the hijacked
 * connection, the connection's input to the container's stdin. Ends when the container's output ends.
 */
final class AttachSession implements AttachHub.Session {

    private static final Logger LOG = LoggerFactory.getLogger(AttachSession.class);

    private final HijackedStream client;
    private final boolean wantStdin;
    private final boolean wantStdout;
    private final boolean wantStderr;
    private final boolean closeStdinAtEof;
    private final DetachKeys detachKeys;

    AttachSession(HijackedStream client, boolean wantStdin, boolean wantStdout, boolean wantStderr, boolean closeStdinAtEof,
                  DetachKeys detachKeys) {
        this.detachKeys = detachKeys;
        this.client = client;
        this.wantStdin = wantStdin;
        this.wantStdout = wantStdout;
        this.wantStderr = wantStderr;
        this.closeStdinAtEof = closeStdinAtEof;
    }

    @Override
    public void connected(ContainerProcesses.Attachment attachment) {
        client.onClose(attachment::close);
        if (wantStdin) {
            client.onStdin(bytes -> {
                try {
                    DetachKeys.Scan scan = detachKeys.scan(bytes);
                    if (scan.forward().length > 0) {
                        attachment.writeStdin(scan.forward());
                    }
                    if (scan.detach()) {
                        // the client leaves; the container runs on
                        attachment.close();
                        client.close();
                    }
                } catch (IOException e) {
                    LOG.debug("stdin to the container failed: {}", e.getMessage());
                }
            }, () -> {
                if (closeStdinAtEof) {
                    try {
                        attachment.closeStdin();
                    } catch (IOException e) {
                        LOG.debug("closing the container's stdin failed: {}", e.getMessage());
                    }
                }
            });
        }
        Thread.ofVirtual().name("attach-pump").start(() -> {
            try {
                attachment.pumpOutput((stderr, bytes, offset, length) -> {
                    if (stderr ? wantStderr : wantStdout) {
                        client.write(stderr ? HijackedStream.Stream.STDERR : HijackedStream.Stream.STDOUT, bytes, offset, length);
                    }
                });
            } catch (IOException e) {
                LOG.debug("attach output ended: {}", e.getMessage());
            } finally {
                attachment.close();
                client.close();
            }
        });
    }

    @Override
    public void ended() {
        client.close();
    }
}
