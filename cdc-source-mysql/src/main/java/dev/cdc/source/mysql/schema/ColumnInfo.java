package dev.cdc.source.mysql.schema;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A column as {@code information_schema.COLUMNS} describes it.
 *
 * @param name        column name
 * @param dataType    {@code DATA_TYPE}, lower case ({@code bigint}, {@code varchar}, {@code enum})
 * @param columnType  {@code COLUMN_TYPE}, lower case ({@code bigint(20) unsigned}, {@code enum('a','b')})
 * @param charset     {@code CHARACTER_SET_NAME}, empty for non-text columns
 * @param nullable    {@code IS_NULLABLE}
 * @param defaultValue {@code COLUMN_DEFAULT}, when any
 * @param precision   numeric precision (decimal), or -1
 * @param scale       numeric scale (decimal) or fractional-second digits (time types), or -1
 * @param json        whether the column holds JSON (MySQL's json type, or MariaDB's alias with a json_valid check)
 */
public record ColumnInfo(String name, String dataType, String columnType, Optional<String> charset, boolean nullable,
                         Optional<String> defaultValue, int precision, int scale, boolean json) {

    public ColumnInfo {
        Objects.requireNonNull(name, "name");
        dataType = dataType.toLowerCase(Locale.ROOT);
        columnType = columnType.toLowerCase(Locale.ROOT);
        Objects.requireNonNull(charset, "charset");
        Objects.requireNonNull(defaultValue, "defaultValue");
    }

    public ColumnInfo withName(String newName) {
        return new ColumnInfo(newName, dataType, columnType, charset, nullable, defaultValue, precision, scale, json);
    }

    public boolean unsigned() {
        return columnType.contains("unsigned");
    }

    /** {@code tinyint(1)}: MySQL's boolean. */
    public boolean isTinyint1() {
        return dataType.equals("tinyint") && columnType.startsWith("tinyint(1)");
    }

    /** The labels of an enum or set column, in declaration order. */
    public List<String> labels() {
        int open = columnType.indexOf('(');
        int close = columnType.lastIndexOf(')');
        if (open < 0 || close < open) {
            return List.of();
        }
        String body = columnType.substring(open + 1, close);
        var out = new java.util.ArrayList<String>();
        StringBuilder cur = new StringBuilder();
        boolean inQuote = false;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (inQuote) {
                if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                    cur.append('\'');
                    i++;
                } else if (c == '\'') {
                    inQuote = false;
                    out.add(cur.toString());
                    cur.setLength(0);
                } else if (c == '\\' && i + 1 < body.length()) {
                    cur.append(body.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '\'') {
                inQuote = true;
            }
        }
        return List.copyOf(out);
    }

    /** The n of bit(n) or binary(n). */
    public int bitWidth() {
        int open = columnType.indexOf('(');
        return open < 0 ? 1 : Integer.parseInt(columnType.substring(open + 1, columnType.indexOf(')')).trim());
    }
}
