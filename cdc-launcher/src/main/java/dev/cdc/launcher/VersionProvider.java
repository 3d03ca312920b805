package dev.cdc.launcher;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code cdc --version}: the cdc version (from the build) and the Java runtime. */
public final class VersionProvider implements IVersionProvider {

    private static final String RESOURCE = "/dev/cdc/launcher/version.properties";

    /** The version the launcher was built as, or {@code unknown} when the build did not say. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "cdc " + version(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")",
        };
    }
}
