package dev.cdc.core.plugin;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.OptionType;
import dev.cdc.api.spi.PluginFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders every registered plugin with its options (key, type, default, whether required or
 * secret, allowed values, requirement, description): as plain text for {@code cdc plugins} and
 * as Markdown for the README's YAML reference. A secret option's default is never shown.
 * Immutable and thread-safe.
 */
public final class PluginCatalog {

    private static final String NEWLINE = "\n";

    private final PluginRegistry registry;

    private PluginCatalog(PluginRegistry registry) {
        this.registry = registry;
    }

    public static PluginCatalog of(PluginRegistry registry) {
        return new PluginCatalog(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * Plain text, one block per kind and plugin:
     * <pre>
     * SINKS
     *
     *   file - Appends events to a file as JSON lines.
     *     path (string, required)
     *         The file to append to.
     * </pre>
     */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (PluginKind kind : PluginKind.values()) {
            List<PluginFactory> factories = registry.factories(kind);
            if (!sb.isEmpty()) {
                sb.append(NEWLINE);
            }
            sb.append(title(kind).toUpperCase(Locale.ROOT)).append(NEWLINE);
            if (factories.isEmpty()) {
                sb.append("  (none registered)").append(NEWLINE);
            }
            for (PluginFactory f : factories) {
                sb.append(NEWLINE).append("  ").append(f.type());
                if (!f.description().isEmpty()) {
                    sb.append(" - ").append(f.description());
                }
                sb.append(NEWLINE);
                if (f.options().isEmpty()) {
                    sb.append("    (no options)").append(NEWLINE);
                }
                for (ConfigOption<?> o : f.options()) {
                    sb.append("    ").append(o.key()).append(" (").append(String.join(", ", facts(o))).append(')')
                            .append(NEWLINE);
                    if (!o.description().isEmpty()) {
                        sb.append("        ").append(o.description()).append(NEWLINE);
                    }
                }
            }
        }
        return sb.toString();
    }

    /**
     * Markdown: a {@code ##} section per kind, a {@code ###} heading and an options table per
     * plugin.
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        for (PluginKind kind : PluginKind.values()) {
            List<PluginFactory> factories = registry.factories(kind);
            if (factories.isEmpty()) {
                continue;
            }
            sb.append("## ").append(title(kind)).append(NEWLINE).append(NEWLINE);
            for (PluginFactory f : factories) {
                sb.append("### `").append(f.type()).append('`').append(NEWLINE).append(NEWLINE);
                if (!f.description().isEmpty()) {
                    sb.append(escape(f.description())).append(NEWLINE).append(NEWLINE);
                }
                sb.append("Use as `type: ").append(f.type()).append("` ").append(where(kind)).append('.')
                        .append(NEWLINE).append(NEWLINE);
                sb.append(markdownTable(f.options())).append(NEWLINE);
            }
        }
        return sb.toString();
    }

    /**
     * A Markdown table of options (Option, Type, Required, Default, Description), also usable for
     * the engine's own settings. A plugin without options gets a sentence saying so.
     */
    public static String markdownTable(List<? extends ConfigOption<?>> options) {
        if (options.isEmpty()) {
            return "This plugin takes no options." + NEWLINE;
        }
        StringBuilder sb = new StringBuilder("| Option | Type | Required | Default | Description |").append(NEWLINE)
                .append("|---|---|---|---|---|").append(NEWLINE);
        for (ConfigOption<?> o : options) {
            String type = typeName(o);
            if (o.isSecret()) {
                type += ", secret";
            }
            String description = o.description();
            if (o.requirement().isPresent()) {
                description += (description.isEmpty() ? "" : " ") + "Must be " + o.requirement().get() + ".";
            }
            if (o.isSecret()) {
                description += (description.isEmpty() ? "" : " ") + "Never printed or logged.";
            }
            sb.append("| `").append(o.key()).append("` | ").append(escape(type)).append(" | ")
                    .append(o.isRequired() ? "yes" : "no").append(" | ")
                    .append(defaultText(o).map(d -> "`" + escape(d) + "`").orElse("")).append(" | ")
                    .append(escape(description)).append(" |").append(NEWLINE);
        }
        return sb.toString();
    }

    private static List<String> facts(ConfigOption<?> o) {
        List<String> facts = new ArrayList<>();
        facts.add(typeName(o));
        if (o.isRequired()) {
            facts.add("required");
        }
        if (o.isSecret()) {
            facts.add("secret");
        }
        defaultText(o).ifPresent(d -> facts.add("default " + d));
        o.requirement().ifPresent(r -> facts.add("must be " + r));
        return facts;
    }

    private static String typeName(ConfigOption<?> o) {
        if (o.type() == OptionType.ENUM) {
            return "one of: " + String.join(" | ", o.allowedValues());
        }
        return o.type().name().toLowerCase(Locale.ROOT);
    }

    /** The default as written in YAML; empty when there is none or the option is secret. */
    static Optional<String> defaultText(ConfigOption<?> o) {
        if (o.isSecret()) {
            return Optional.empty();
        }
        return o.defaultValue().map(PluginCatalog::yamlText);
    }

    private static String yamlText(Object value) {
        if (value instanceof Duration d) {
            return durationText(d);
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof List<?> list) {
            return list.stream().map(PluginCatalog::yamlText).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream().map(e -> e.getKey() + ": " + yamlText(e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        return String.valueOf(value);
    }

    private static String durationText(Duration d) {
        long ms = d.toMillis();
        if (ms == 0 || !d.equals(Duration.ofMillis(ms))) {
            return d.toString();
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"d", "h", "m", "s"};
        for (int i = 0; i < sizes.length; i++) {
            if (ms % sizes[i] == 0) {
                return ms / sizes[i] + units[i];
            }
        }
        return ms + "ms";
    }

    private static String title(PluginKind kind) {
        return switch (kind) {
            case SOURCE -> "Sources";
            case SINK -> "Sinks";
            case FILTER -> "Filters";
            case TRANSFORM -> "Transforms";
            case CHECKPOINT -> "Checkpoint stores";
        };
    }

    private static String where(PluginKind kind) {
        return switch (kind) {
            case SOURCE -> "under `source:`";
            case SINK -> "in an entry of `sinks:` or as a sink's `dead-letter:`";
            case FILTER -> "in an entry of `filters:` (the pipeline's or a sink's)";
            case TRANSFORM -> "in an entry of `transforms:` (the pipeline's or a sink's)";
            case CHECKPOINT -> "under `checkpoint:`";
        };
    }

    private static String escape(String markdown) {
        return markdown.replace("|", "\\|").replace("\n", " ");
    }
}
