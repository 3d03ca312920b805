package dev.cdc.launcher;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs {@code cdc} in this JVM with picocli's {@code execute}, capturing stdout and stderr. */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Cdc.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    /** Both streams, for assertions about what a person sees. */
    String all() {
        return out + err;
    }

    /** The repository's examples directory (set by the build; the working directory's otherwise). */
    static Path examples() {
        return Path.of(System.getProperty("cdc.examples", "../examples")).toAbsolutePath().normalize();
    }
}
