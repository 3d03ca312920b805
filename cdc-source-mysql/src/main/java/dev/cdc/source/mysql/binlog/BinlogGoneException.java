package dev.cdc.source.mysql.binlog;

import dev.cdc.api.error.CdcException;

/** The binlog position to read from was purged from the server. Not retriable: a new snapshot is needed. */
public final class BinlogGoneException extends CdcException {

    public BinlogGoneException(String message, Throwable cause) {
        super(message, cause);
    }

    public BinlogGoneException(String message) {
        super(message);
    }
}
