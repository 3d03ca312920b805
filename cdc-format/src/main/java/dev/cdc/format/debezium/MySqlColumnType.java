package dev.cdc.format.debezium;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A MySQL {@code COLUMN_TYPE} ({@code tinyint(3) unsigned}, {@code decimal(10,2)},
 * {@code enum('a','b')}) as the MySQL connector's schema-change records describe a column: its
 * JDBC type code, upper-case type name, length, scale and enum values.
 */
record MySqlColumnType(String typeName, int jdbcType, Integer length, Integer scale, List<String> enumValues) {

    static MySqlColumnType of(String columnType) {
        String t = columnType.toLowerCase(Locale.ROOT).trim();
        int open = t.indexOf('(');
        int close = t.lastIndexOf(')');
        String base = (open < 0 ? t : t.substring(0, open)).trim();
        String args = open < 0 || close < open ? "" : t.substring(open + 1, close);
        boolean unsigned = t.contains("unsigned");
        String name = base.toUpperCase(Locale.ROOT) + (unsigned ? " UNSIGNED" : "");
        Integer length = null;
        Integer scale = null;
        List<String> enumValues = List.of();
        if (base.equals("enum") || base.equals("set")) {
            enumValues = labels(columnType.substring(open + 1, close));
            length = base.equals("set") ? String.join(",", unquoted(enumValues)).length() : 1;
        } else if (!args.isEmpty()) {
            String[] ps = args.split(",");
            length = Integer.parseInt(ps[0].trim());
            if (ps.length > 1) {
                scale = Integer.parseInt(ps[1].trim());
            }
        }
        return new MySqlColumnType(name, jdbcType(base), length, scale, enumValues);
    }

    private static int jdbcType(String base) {
        return switch (base) {
            case "tinyint", "smallint" -> 5;
            case "mediumint", "int", "integer", "year" -> 4;
            case "bigint" -> -5;
            case "decimal", "numeric" -> 3;
            case "float" -> 6;
            case "double", "real" -> 8;
            case "bit" -> -7;
            case "char", "enum", "set" -> 1;
            case "varchar", "tinytext", "text", "mediumtext", "longtext", "json" -> 12;
            case "binary" -> -2;
            case "varbinary" -> -3;
            case "tinyblob", "blob", "mediumblob", "longblob" -> 2004;
            case "date" -> 91;
            case "time" -> 92;
            case "datetime" -> 93;
            case "timestamp" -> 2014;
            case "bool", "boolean" -> 16;
            default -> 1111;
        };
    }

    /** {@code 'a','b c'} as Debezium lists them: each label with its quotes. */
    private static List<String> labels(String body) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = null;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (cur == null) {
                if (c == '\'') {
                    cur = new StringBuilder("'");
                }
            } else if (c == '\'' && i + 1 < body.length() && body.charAt(i + 1) == '\'') {
                cur.append("''");
                i++;
            } else if (c == '\'') {
                out.add(cur.append('\'').toString());
                cur = null;
            } else {
                cur.append(c);
            }
        }
        return out;
    }

    private static List<String> unquoted(List<String> labels) {
        return labels.stream().map(l -> l.substring(1, l.length() - 1)).toList();
    }
}
