package dev.cdc.api.error;

/**
 * A failure that may go away if the same work is tried again: a connection lost, a server
 * overloaded (HTTP 429/503), a timeout. The retry layer retries these by default.
 */
public class RetriableException extends CdcException {

    public RetriableException(String message) {
        super(message);
    }

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
