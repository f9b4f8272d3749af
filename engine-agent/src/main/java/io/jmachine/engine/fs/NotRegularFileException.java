package io.jmachine.engine.fs;

import java.nio.file.FileSystemException;

/** A path that had to be a regular file (to be read) is a folder, link, fifo, device or socket. */
public final class NotRegularFileException extends FileSystemException {

    public NotRegularFileException(String file) {
        super(file, null, "not a regular file");
    }
}
