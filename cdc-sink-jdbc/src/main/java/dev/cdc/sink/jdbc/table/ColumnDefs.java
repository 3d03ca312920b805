package dev.cdc.sink.jdbc.table;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.sink.jdbc.dialect.Dialect;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The target definition of a source column: its type (the dialect's mapping of the logical type,
 * or the {@code column-types} override), its nullability, and its default when the source's
 * default is a literal the target understands too. Defaults that are expressions of the source
 * ({@code nextval(...)}, functions) are not carried over. Immutable and thread-safe.
 */
public final class ColumnDefs {

    private static final Pattern PG_CAST = Pattern.compile("^(.*?)::[a-z_ ]+(\\(\\d+(,\\d+)?\\))?(\\[\\])?$");
    private static final Pattern NUMBER = Pattern.compile("^[-+]?\\d+(\\.\\d+)?([eE][-+]?\\d+)?$");
    private static final Pattern QUOTED = Pattern.compile("^'((?:[^']|'')*)'$");

    private final Dialect dialect;
    private final Map<String, String> overrides;

    public ColumnDefs(Dialect dialect, Map<String, String> overrides) {
        this.dialect = dialect;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * The definition of {@code column} of {@code table}.
     *
     * @param key whether the column is part of the table's key (key columns are NOT NULL)
     * @throws CdcException when the target cannot hold the column's type, naming the fix
     */
    public ColumnDef of(TableId table, Column column, boolean key) {
        String type = override(table, column.name()).orElseGet(() -> mapped(table, column, key));
        Optional<String> def = defaultOf(column);
        boolean nullable = !key && (column.nullable() || column.defaultValue().isPresent() && def.isEmpty());
        return new ColumnDef(column.name(), type, nullable, def);
    }

    /** The column-types override of a column: {@code namespace.table.column} first, then {@code column}. */
    public Optional<String> override(TableId table, String column) {
        String qualified = table + "." + column;
        return Optional.ofNullable(overrides.get(qualified)).or(() -> Optional.ofNullable(overrides.get(column)));
    }

    private String mapped(TableId table, Column column, boolean key) {
        try {
            return dialect.sqlType(column.type(), column.sourceType(), key);
        } catch (IllegalArgumentException e) {
            throw new CdcException("the target (" + dialect.name() + ") cannot hold column " + table + "."
                    + column.name() + " of type " + column.type().describe()
                    + column.sourceType().map(s -> " (source type " + s + ")").orElse("") + ": " + e.getMessage()
                    + ". Fix: set the sink option column-types: {" + table + "." + column.name() + ": <a "
                    + dialect.name() + " type that holds every value>}, or change the column at the source");
        }
    }

    /** The source's default as a literal of the target, when it is one: numbers, strings, booleans, NULL. */
    public Optional<String> defaultOf(Column column) {
        if (column.defaultValue().isEmpty()) {
            return Optional.empty();
        }
        String d = column.defaultValue().get().trim();
        Matcher cast = PG_CAST.matcher(d);
        if (cast.matches() && !d.startsWith("nextval(")) {
            d = cast.group(1).trim();
            if (d.startsWith("(") && d.endsWith(")")) {
                d = d.substring(1, d.length() - 1).trim();
            }
        }
        if (d.equalsIgnoreCase("null")) {
            return Optional.of("NULL");
        }
        TypeKind kind = column.type().kind();
        if (NUMBER.matcher(d).matches() && isNumeric(column.type())) {
            return Optional.of(d);
        }
        if (kind == TypeKind.BOOLEAN && (d.equalsIgnoreCase("true") || d.equalsIgnoreCase("false"))) {
            return Optional.of(d.toLowerCase(java.util.Locale.ROOT));
        }
        if (kind == TypeKind.BOOLEAN && (d.equals("0") || d.equals("1"))) {
            return Optional.of(d.equals("1") ? "true" : "false");
        }
        Matcher quoted = QUOTED.matcher(d);
        if (quoted.matches() && kind != TypeKind.BYTES && kind != TypeKind.ARRAY && kind != TypeKind.OTHER) {
            return Optional.of(dialect.literal(quoted.group(1).replace("''", "'")));
        }
        return Optional.empty();
    }

    private static boolean isNumeric(DataType type) {
        return switch (type.kind()) {
            case INT16, INT32, INT64, FLOAT32, FLOAT64, DECIMAL -> true;
            default -> false;
        };
    }
}
