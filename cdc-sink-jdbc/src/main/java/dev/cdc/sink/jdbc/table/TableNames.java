package dev.cdc.sink.jdbc.table;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.sink.jdbc.dialect.Dialect;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The target name of each source table, from the {@code schema} and {@code table-name} templates
 * (${namespace}, ${name}), and the check that every identifier the sink writes fits the
 * database's limit: PostgreSQL cuts longer names silently, which could make two tables one.
 * Immutable and thread-safe.
 */
public final class TableNames {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final Dialect dialect;
    private final Optional<String> schemaTemplate;
    private final String tableTemplate;

    public TableNames(Dialect dialect, Optional<String> schemaTemplate, String tableTemplate) {
        this.dialect = dialect;
        this.schemaTemplate = schemaTemplate;
        this.tableTemplate = tableTemplate;
    }

    /**
     * The problem with a template, when it uses an unknown variable or makes no name.
     *
     * @return empty when the template is fine
     */
    public static Optional<String> problem(String template) {
        Matcher m = VARIABLE.matcher(template);
        while (m.find()) {
            if (!m.group(1).equals("namespace") && !m.group(1).equals("name")) {
                return Optional.of("uses ${" + m.group(1) + "}; the variables are ${namespace} and ${name}");
            }
        }
        return template.isBlank() ? Optional.of("is empty") : Optional.empty();
    }

    /**
     * The target table of a source table.
     *
     * @throws CdcException when a name is empty or longer than the database allows
     */
    public TableRef of(TableId table) {
        Optional<String> schema = schemaTemplate.map(t -> render(t, table)).filter(s -> !s.isEmpty());
        String name = render(tableTemplate, table);
        if (name.isEmpty()) {
            throw new CdcException("the sink option table-name '" + tableTemplate + "' gives an empty name for table "
                    + table + "; use a template that always gives a name, such as ${name}");
        }
        schema.ifPresent(s -> checkLength(s, "schema name for table " + table, "schema"));
        checkLength(name, "table name for " + table, "table-name");
        return new TableRef(schema, name);
    }

    /**
     * Checks an identifier against the database's limit.
     *
     * @param what   what it names, for the message
     * @param option the sink option (or transform) that fixes it
     * @throws CdcException naming the identifier, its length, the limit and the fix
     */
    public void checkLength(String identifier, String what, String option) {
        int length = dialect.identifierLength(identifier);
        int max = dialect.maxIdentifierLength();
        if (max > 0 && length > max) {
            throw new CdcException("the " + what + " '" + identifier + "' is " + length + " " + dialect.lengthUnit()
                    + " long, but " + dialect.name() + " allows at most " + max + " (a longer name would be cut"
                    + " or refused); " + fix(option));
        }
    }

    private static String fix(String option) {
        return switch (option) {
            case "column" -> "rename the column at the source, or drop it with the drop-columns transform";
            case "table-name" -> "set the sink option table-name to a template that gives a shorter name (e.g."
                    + " a fixed text per table with the rename-table transform)";
            default -> "set the sink option " + option + " to a shorter name";
        };
    }

    private static String render(String template, TableId table) {
        return template.replace("${namespace}", table.namespace()).replace("${name}", table.name());
    }
}
