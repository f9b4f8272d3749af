package io.jmachine.engine.api;

/**
 * A request that fails with a Docker status and message, sent as {@code {"message": …}}.
 * Services throw it with Docker's wording (e.g. 404 "No such container: x") so clients react as with dockerd.
 */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(409, message);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }
}
