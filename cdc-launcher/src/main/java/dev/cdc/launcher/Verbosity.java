package dev.cdc.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;

/**
 * Whether {@code --verbose} was given: then dev.cdc logs at DEBUG and errors come with their
 * stack traces. Without it an expected error is one line. Set once while the command line is
 * parsed; read afterwards.
 */
public final class Verbosity {

    private volatile boolean verbose;

    public boolean isVerbose() {
        return verbose;
    }

    /** Turns verbose output on (and dev.cdc's log level to DEBUG); off leaves the log level alone. */
    public void setVerbose(boolean on) {
        this.verbose = on;
        if (on && LoggerFactory.getLogger("dev.cdc") instanceof Logger logback) {
            logback.setLevel(Level.DEBUG);
        }
    }

    /**
     * Prints an error as one line, {@code cdc: <what>: <message>}, and its stack trace only when verbose.
     */
    public void printError(PrintWriter err, String what, Throwable error) {
        err.println("cdc: " + what + ": " + message(error));
        if (verbose) {
            error.printStackTrace(err);
        }
        err.flush();
    }

    /** The message of an error, or its class name when it has none; causes that add a message are appended. */
    public static String message(Throwable error) {
        String m = error.getMessage() == null || error.getMessage().isBlank() ? error.getClass().getSimpleName()
                : error.getMessage();
        Throwable cause = error.getCause();
        if (cause != null && cause != error && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m += " (caused by " + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")";
        }
        return m;
    }
}
