package dev.cdc.sink.elasticsearch;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.TableId;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The index (alias) name of an event, from the {@code index} template: {@code ${table}},
 * {@code ${namespace}} / {@code ${schema}}, {@code ${name}}, {@code ${commit_date:PATTERN}} and
 * fixed text. The result is lower-cased; characters Elasticsearch forbids in index names become
 * {@code _}, and a leading {@code _ - +} or {@code .} is dropped. Thread-safe; immutable.
 */
final class IndexNames {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([a-z_]+)(?::([^}]*))?}");
    private static final Pattern FORBIDDEN = Pattern.compile("[\\\\/*?\"<>| ,#:]");

    private final List<BiFunction<TableId, Instant, String>> parts = new ArrayList<>();
    private final boolean dependsOnTime;

    IndexNames(String template) {
        Matcher m = VARIABLE.matcher(template);
        int last = 0;
        boolean time = false;
        List<String> problems = new ArrayList<>();
        while (m.find()) {
            String fixed = template.substring(last, m.start());
            parts.add((t, i) -> fixed);
            String name = m.group(1);
            String arg = m.group(2);
            switch (name) {
                case "table" -> parts.add((t, i) -> t.toString());
                case "namespace", "schema" -> parts.add((t, i) -> t.namespace());
                case "name" -> parts.add((t, i) -> t.name());
                case "commit_date" -> {
                    if (arg == null || arg.isBlank()) {
                        problems.add("${commit_date} needs a date pattern, e.g. ${commit_date:yyyy.MM}");
                        break;
                    }
                    try {
                        DateTimeFormatter f = DateTimeFormatter.ofPattern(arg, Locale.ROOT).withZone(ZoneOffset.UTC);
                        parts.add((t, i) -> f.format(i));
                        time = true;
                    } catch (IllegalArgumentException e) {
                        problems.add("'" + arg + "' is not a date pattern (" + e.getMessage() + ")");
                    }
                }
                default -> problems.add("unknown variable ${" + name + "}; known: ${table}, ${namespace}, ${schema},"
                        + " ${name}, ${commit_date:yyyy.MM}");
            }
            last = m.end();
        }
        String tail = template.substring(last);
        parts.add((t, i) -> tail);
        if (template.isBlank()) {
            problems.add("the index template is empty");
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(List.of(dev.cdc.api.config.ConfigProblem.of("index",
                    "was '" + template + "' but " + String.join("; ", problems))));
        }
        this.dependsOnTime = time;
    }

    /** True when the name depends on the commit time (several indexes per table). */
    boolean dependsOnTime() {
        return dependsOnTime;
    }

    String of(TableId table, Instant commitTime) {
        StringBuilder sb = new StringBuilder();
        for (BiFunction<TableId, Instant, String> p : parts) {
            sb.append(p.apply(table, commitTime));
        }
        return sanitize(sb.toString());
    }

    static String sanitize(String name) {
        String s = FORBIDDEN.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("_");
        while (!s.isEmpty() && "_-+.".indexOf(s.charAt(0)) >= 0) {
            s = s.substring(1);
        }
        if (s.isEmpty() || s.equals(".") || s.equals("..")) {
            throw new dev.cdc.api.error.CdcException("index name '" + name + "' is empty after removing characters"
                    + " Elasticsearch forbids; change the sink option 'index'");
        }
        return s;
    }
}
