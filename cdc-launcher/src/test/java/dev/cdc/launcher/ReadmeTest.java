package dev.cdc.launcher;

import dev.cdc.core.config.ReferenceDocs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's generated parts stay true: the option reference and the plugin example's code. */
class ReadmeTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void theReferenceSectionIsWhatCdcPluginsMarkdownPrints() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        String start = "<!-- reference:start -->\n";
        String section = readme.substring(readme.indexOf(start) + start.length(), readme.indexOf("<!-- reference:end -->"));
        assertThat(section)
                .as("README.md's reference is stale: regenerate it with `bin/cdc plugins --markdown`")
                .isEqualTo(ReferenceDocs.markdown(PipelineFiles.registry()));
    }

    @Test
    void theWriteYourOwnPluginSectionShowsTheExampleModuleAsItIs() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Path example = ROOT.resolve("examples/plugin/src");
        for (String file : List.of("main/java/dev/cdc/example/rowfiles/RowFilesOptions.java",
                "main/java/dev/cdc/example/rowfiles/RowFilesSinkFactory.java",
                "main/java/dev/cdc/example/rowfiles/RowFilesSink.java",
                "test/java/dev/cdc/example/rowfiles/RowFilesSinkTest.java")) {
            assertThat(readme).as("README.md shows " + file + " as it is").contains(Files.readString(example.resolve(file)).strip());
        }
        assertThat(readme).contains(Files.readString(
                example.resolve("main/resources/META-INF/services/dev.cdc.api.spi.SinkFactory")).strip());
    }

    @Test
    void theQuickstartCommandAndTheTestCommandAreTheOnesTheRepositoryRuns() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        assertThat(readme).contains("examples/quickstart.sh").contains("scripts/test.sh");
        assertThat(Files.readString(ROOT.resolve(".ci/run"))).contains("scripts/test.sh");
        assertThat(ROOT.resolve("examples/quickstart.sh")).exists();
        assertThat(Files.readString(ROOT.resolve("examples/quickstart.sh"))).contains("examples/quickstart.yaml");
    }
}
