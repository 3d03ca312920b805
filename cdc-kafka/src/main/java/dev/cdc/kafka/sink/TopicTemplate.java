package dev.cdc.kafka.sink;

import dev.cdc.api.event.TableId;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A topic name with placeholders: {@code ${pipeline}}, {@code ${table}} (namespace.name),
 * {@code ${namespace}}, {@code ${name}}. Characters Kafka refuses in topic names become
 * {@code '_'} (as in Debezium's topic naming). Thread-safe; names are computed once per table.
 */
final class TopicTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final List<String> KNOWN = List.of("pipeline", "table", "namespace", "name");
    private static final int MAX_LENGTH = 249;

    private final String template;
    private final String pipeline;
    private final Map<TableId, String> names = new ConcurrentHashMap<>();

    private TopicTemplate(String template, String pipeline) {
        this.template = template;
        this.pipeline = pipeline;
    }

    /**
     * @throws IllegalArgumentException naming the unknown placeholder, or when the template is empty
     */
    static TopicTemplate parse(String template, String pipeline) {
        if (template.isBlank()) {
            throw new IllegalArgumentException("is empty; it must give a topic name, e.g. ${pipeline}.${table}");
        }
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            if (!KNOWN.contains(m.group(1))) {
                throw new IllegalArgumentException("has the unknown placeholder ${" + m.group(1) + "} (known: "
                        + String.join(", ", KNOWN.stream().map(k -> "${" + k + "}").toList()) + ")");
            }
        }
        return new TopicTemplate(template, pipeline);
    }

    /** The topic of the table. */
    String topic(TableId table) {
        return names.computeIfAbsent(table, t -> {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = switch (m.group(1)) {
                    case "pipeline" -> pipeline;
                    case "table" -> t.toString();
                    case "namespace" -> t.namespace();
                    default -> t.name();
                };
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return sanitize(out.toString());
        });
    }

    static String sanitize(String name) {
        String s = name.replaceAll("[^a-zA-Z0-9._-]", "_");
        if (s.equals(".") || s.equals("..")) {
            s = s.replace('.', '_');
        }
        return s.length() > MAX_LENGTH ? s.substring(0, MAX_LENGTH) : s;
    }

    @Override
    public String toString() {
        return template;
    }
}
