package io.jmachine.engine.api;

import io.jmachine.engine.errors.EngineException;

/** A Docker Engine API version such as 1.50; routes are served for every version from {@link #MIN} to {@link #MAX}. */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

    /** The oldest version the docker CLI 28 still speaks. */
    public static final ApiVersion MIN = new ApiVersion(1, 24);
    /** The version of docker 28.2 (API 1.50). */
    public static final ApiVersion MAX = parse(io.jmachine.engine.EngineVersion.API);

    public static ApiVersion parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0 || dot == text.length() - 1) {
            throw EngineException.invalid("invalid API version " + text + ": expected MAJOR.MINOR, e.g. " + MAX);
        }
        try {
            return new ApiVersion(Integer.parseInt(text, 0, dot, 10), Integer.parseInt(text, dot + 1, text.length(), 10));
        } catch (NumberFormatException e) {
            throw EngineException.invalid("invalid API version " + text + ": expected MAJOR.MINOR, e.g. " + MAX);
        }
    }

    /** Docker's wording for a version out of range, so that clients' messages read the same. */
    public ApiVersion requireSupported() {
        if (compareTo(MAX) > 0) {
            throw EngineException.invalid("client version " + this + " is too new. Maximum supported API version is " + MAX);
        }
        if (compareTo(MIN) < 0) {
            throw EngineException.invalid("client version " + this + " is too old. Minimum supported API version is " + MIN
                    + ", please upgrade your client to a newer version");
        }
        return this;
    }

    public boolean atLeast(int major, int minor) {
        return compareTo(new ApiVersion(major, minor)) >= 0;
    }

    @Override
    public int compareTo(ApiVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
