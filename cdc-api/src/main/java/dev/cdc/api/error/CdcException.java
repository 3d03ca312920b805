package dev.cdc.api.error;

/** The root of every exception cdc throws on purpose. Messages say what was found, what was expected and how to fix it. */
public class CdcException extends RuntimeException {

    public CdcException(String message) {
        super(message);
    }

    public CdcException(String message, Throwable cause) {
        super(message, cause);
    }
}
