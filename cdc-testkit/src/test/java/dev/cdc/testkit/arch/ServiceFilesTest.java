package dev.cdc.testkit.arch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceFilesTest {

    @Test
    void theTestkitsOwnServiceFilesAreValid() {
        ClassLoader loader = getClass().getClassLoader();
        ServiceFiles.assertValid(loader);
        assertThat(ServiceFiles.entries(loader)).extracting(ServiceFiles.Entry::className)
                .contains("dev.cdc.testkit.sink.MemorySinkFactory", "dev.cdc.testkit.source.MemorySourceFactory");
    }

    @Test
    void everyProblemIsReportedAtOnce(@TempDir Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve("dev.cdc.api.spi.SinkFactory"), String.join("\n",
                "# comments and blank lines are fine",
                "",
                "com.example.Missing",
                "dev.cdc.testkit.arch.samples.HiddenSinkFactory",
                "java.lang.String",
                "dev.cdc.testkit.arch.samples.NamedSinkFactory",
                "dev.cdc.testkit.arch.samples.NamedSinkFactory$UpperCase",
                "dev.cdc.testkit.arch.samples.NamedSinkFactory$ClaimsMemory  # trailing comment"));
        Files.writeString(services.resolve("dev.cdc.api.spi.SinkFactroy"), "dev.cdc.testkit.sink.MemorySinkFactory\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            assertThatThrownBy(() -> ServiceFiles.assertValid(loader))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("line 3 (")
                    .hasMessageContaining("com.example.Missing: no such class")
                    .hasMessageContaining("HiddenSinkFactory: is not public")
                    .hasMessageContaining("HiddenSinkFactory: has no public no-arg constructor")
                    .hasMessageContaining("java.lang.String: does not implement dev.cdc.api.spi.SinkFactory")
                    .hasMessageContaining("NamedSinkFactory: is abstract")
                    .hasMessageContaining("type() is 'Memory_Sink' but must be lower-case")
                    .hasMessageContaining("type 'memory' is claimed by 2 factories")
                    .hasMessageContaining("dev.cdc.testkit.sink.MemorySinkFactory")
                    .hasMessageContaining("names no SPI factory interface 'SinkFactroy'");
        }
    }

    @Test
    void serviceFilesInsideJarsAreListed(@TempDir Path dir) throws IOException {
        Path jar = dir.resolve("plugin.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/"));
            out.putNextEntry(new JarEntry("META-INF/services/"));
            out.putNextEntry(new JarEntry("META-INF/services/dev.cdc.api.spi.FilterFactroy"));
            out.write("com.example.Filter\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            assertThat(ServiceFiles.entries(loader)).anyMatch(e -> e.spi().equals("dev.cdc.api.spi.FilterFactroy")
                    && e.className().equals("com.example.Filter") && e.line() == 1);
            assertThatThrownBy(() -> ServiceFiles.assertValid(loader))
                    .hasMessageContaining("names no SPI factory interface 'FilterFactroy'");
        }
    }
}
