package io.jmachine.engine.fs;

import java.nio.file.FileSystemException;

/**
 * The file system refused to set an extended attribute: it has none of that kind (EOPNOTSUPP), the value is not
 * one it takes (EINVAL, e.g. an ACL it cannot store), or the caller may not set it (EPERM).
 */
public final class XattrRefusedException extends FileSystemException {

    public enum Reason { NOT_SUPPORTED, INVALID, NOT_PERMITTED }

    private final Reason reason;

    XattrRefusedException(String what, Reason reason, String text) {
        super(what, null, text);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
