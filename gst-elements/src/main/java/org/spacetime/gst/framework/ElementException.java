package org.spacetime.gst.framework;

/**
 * A failure an element reports to the application: the framework turns it into an ERROR message
 * on the bus (domain and code from {@link ErrorCode}, the message as its text) and a flow error.
 */
public class ElementException extends Exception {
    private final ErrorCode code;

    public ElementException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ElementException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
