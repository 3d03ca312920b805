package dev.cdc.core.plugin;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PluginCatalogTest {

    private final PluginRegistry registry = TestPlugins.standardRegistry();

    @Test
    void textListsEveryPluginAndEveryOption() {
        String text = PluginCatalog.of(registry).text();

        for (PluginKind kind : PluginKind.values()) {
            for (PluginFactory f : registry.factories(kind)) {
                assertThat(text).contains("  " + f.type() + " - " + f.description());
                for (ConfigOption<?> o : f.options()) {
                    assertThat(text).contains("    " + o.key() + " (");
                    assertThat(text).contains("        " + o.description());
                }
            }
        }
        assertThat(text).contains("SOURCES", "SINKS", "FILTERS", "TRANSFORMS", "CHECKPOINT STORES");
        assertThat(text).contains("    host (string, required)");
        assertThat(text).contains("    port (int, default 5432, must be a port between 1 and 65535)");
        assertThat(text).contains("    format (one of: json | json-pretty, default json)");
        assertThat(text).contains("    password (string, required, secret, must be at least 8 characters long)");
        assertThat(text).contains("  stdout - Test stdout plugin.\n    (no options)");
    }

    @Test
    void secretDefaultsAreNeverShown() {
        PluginCatalog catalog = PluginCatalog.of(registry);

        assertThat(catalog.text()).contains("    password (string, secret, must be").doesNotContain("changeme-please");
        assertThat(catalog.text()).contains("    pin (int, secret)").doesNotContain("1234");
        assertThat(catalog.markdown()).doesNotContain("changeme-please").doesNotContain("1234");
    }

    @Test
    void markdownHasASectionPerKindAndATablePerPlugin() {
        String md = PluginCatalog.of(registry).markdown();

        assertThat(md).contains("## Sources\n", "## Sinks\n", "## Filters\n", "## Transforms\n",
                "## Checkpoint stores\n");
        assertThat(md).contains("### `elasticsearch`\n\nTest elasticsearch plugin.\n\n"
                + "Use as `type: elasticsearch` in an entry of `sinks:` or as a sink's `dead-letter:`.\n\n"
                + "| Option | Type | Required | Default | Description |\n|---|---|---|---|---|\n");
        assertThat(md).contains("| `urls` | list | yes |  | Cluster URLs. |");
        assertThat(md).contains("| `index` | string | no | `events` | Index name \\| template. |");
        assertThat(md).contains("| `format` | one of: json \\| json-pretty | no | `json` | How events are written. |");
        assertThat(md).contains("| `password` | string, secret | no |  | The password. Must be at least 8 characters "
                + "long. Never printed or logged. |");
        assertThat(md).contains("### `stdout`\n\nTest stdout plugin.\n\nUse as `type: stdout` in an entry of `sinks:` "
                + "or as a sink's `dead-letter:`.\n\nThis plugin takes no options.");
        for (PluginKind kind : PluginKind.values()) {
            for (PluginFactory f : registry.factories(kind)) {
                assertThat(md).contains("### `" + f.type() + "`");
                f.options().forEach(o -> assertThat(md).contains("| `" + o.key() + "` |"));
            }
        }
    }

    @Test
    void defaultsAreWrittenTheWayYamlTakesThem() {
        String table = PluginCatalog.markdownTable(List.of(
                ConfigOption.key("timeout").durationType().defaultValue(Duration.ofSeconds(30)),
                ConfigOption.key("backoff").durationType().defaultValue(Duration.ofMillis(250)),
                ConfigOption.key("tables").listType().defaultValue(List.of("a", "b"))));

        assertThat(table).contains("| `timeout` | duration | no | `30s` |", "| `backoff` | duration | no | `250ms` |",
                "| `tables` | list | no | `[a, b]` |");
    }
}
