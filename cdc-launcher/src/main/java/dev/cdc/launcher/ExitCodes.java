package dev.cdc.launcher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of {@code cdc}, also listed in its usage text ({@link #descriptions()}).
 *
 * <ul>
 *   <li>{@value #OK}: success; for {@code run}, the pipeline stopped on request (after draining and its
 *   final checkpoint) or completed (a finite source ran out)</li>
 *   <li>{@value #FAILED}: the pipeline failed while running, or {@code cdc status} found it failed</li>
 *   <li>{@value #INVALID}: invalid configuration or command line</li>
 *   <li>{@value #CANNOT_START}: could not start: a source, sink or checkpoint store could not be opened,
 *   the metrics port was taken, or {@code cdc status} could not connect</li>
 *   <li>{@value #DIFFERENT}: {@code cdc verify} found rows that differ between the source and a sink</li>
 *   <li>{@value #INTERRUPTED}: stopped by a signal, but the drain did not finish within the shutdown
 *   timeout (the checkpoint holds only what every sink acknowledged)</li>
 * </ul>
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID = 2;
    public static final int CANNOT_START = 3;
    public static final int DIFFERENT = 4;
    public static final int INTERRUPTED = 130;

    /** Each code with one line of description, in order, for the usage text's "Exit codes" section. */
    public static Map<String, String> descriptions() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Integer.toString(OK), "success (run: the pipeline stopped on request or completed)");
        m.put(Integer.toString(FAILED), "the pipeline failed at runtime (status: it is FAILED)");
        m.put(Integer.toString(INVALID), "invalid configuration or command line");
        m.put(Integer.toString(CANNOT_START), "could not start (cannot open a plugin, port in use, cannot connect)");
        m.put(Integer.toString(DIFFERENT), "verify: a sink differs from the source (missing, extra or different rows)");
        m.put(Integer.toString(INTERRUPTED), "stopped by a signal, but draining did not finish in time");
        return Collections.unmodifiableMap(m);
    }

    private ExitCodes() {
    }
}
