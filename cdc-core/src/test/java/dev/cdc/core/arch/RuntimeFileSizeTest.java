package dev.cdc.core.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Files on the event path stay small: each class of the runtime under 350 lines. */
class RuntimeFileSizeTest {

    @Test
    void everyRuntimeFileIsUnder350Lines() throws IOException {
        Path runtime = Path.of("src/main/java/dev/cdc/core/runtime");
        List<Path> files;
        try (Stream<Path> list = Files.list(runtime)) {
            files = list.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            assertThat(Files.readAllLines(f).size()).as("%s has too many lines: split it by concern "
                    + "(PipelineRunner keeps lifecycle and wiring; SinkLane the worker loop)", f).isLessThan(350);
        }
    }
}
