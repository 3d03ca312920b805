package dev.cdc.core.config;

import dev.cdc.core.plugin.PluginCatalog;
import dev.cdc.core.plugin.PluginRegistry;

/**
 * The README's configuration reference, generated from the declared options so it never drifts:
 * the pipeline's own settings, then every registered plugin. {@code cdc plugins --markdown}
 * prints it; a launcher test checks the README holds exactly this text.
 */
public final class ReferenceDocs {

    private ReferenceDocs() {
    }

    public static String markdown(PluginRegistry registry) {
        return "## Pipeline settings\n\n"
                + "### A sink's own settings (beside `type:` in an entry of `sinks:`)\n\n"
                + "Besides these, `dead-letter:` (a sink: `type:` and its options), `filters:`, `transforms:` and the "
                + "sink plugin's options.\n\n"
                + PluginCatalog.markdownTable(PipelineOptions.SINK) + "\n"
                + "### `retry:` (in an entry of `sinks:`)\n\n"
                + PluginCatalog.markdownTable(PipelineOptions.RETRY) + "\n"
                + "### `backlog:` (in an entry of `sinks:`)\n\n"
                + PluginCatalog.markdownTable(PipelineOptions.BACKLOG) + "\n"
                + "### `engine:`\n\n"
                + PluginCatalog.markdownTable(PipelineOptions.ENGINE_SETTINGS) + "\n"
                + "### `metrics:`\n\n"
                + PluginCatalog.markdownTable(PipelineOptions.METRICS_SETTINGS) + "\n"
                + PluginCatalog.of(registry).markdown();
    }
}
