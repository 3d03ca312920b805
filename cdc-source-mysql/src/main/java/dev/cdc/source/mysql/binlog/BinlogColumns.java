package dev.cdc.source.mysql.binlog;

import dev.cdc.source.mysql.schema.ColumnInfo;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What the binlog's TABLE_MAP says about a column's type (MySQL's enum_field_types codes). */
final class BinlogColumns {

    private BinlogColumns() {
    }

    static boolean isNumeric(int code) {
        return switch (code) {
            case 0, 1, 2, 3, 4, 5, 8, 9, 246 -> true;
            default -> false;
        };
    }

    /** Whether a column definition fits the binlog's type code (else it is of another time, before a DDL). */
    static boolean matches(ColumnInfo c, int code) {
        Set<Integer> codes = switch (c.dataType()) {
            case "tinyint" -> Set.of(1);
            case "smallint" -> Set.of(2);
            case "mediumint" -> Set.of(9);
            case "int", "integer" -> Set.of(3);
            case "bigint" -> Set.of(8);
            case "float" -> Set.of(4);
            case "double", "real" -> Set.of(5);
            case "decimal", "numeric" -> Set.of(0, 246);
            case "date" -> Set.of(10, 14);
            case "time" -> Set.of(11, 19);
            case "datetime" -> Set.of(12, 18);
            case "timestamp" -> Set.of(7, 17);
            case "year" -> Set.of(13);
            case "char", "binary" -> Set.of(254);
            case "varchar", "varbinary" -> Set.of(15, 253);
            case "tinytext", "text", "mediumtext", "longtext", "tinyblob", "blob", "mediumblob", "longblob" ->
                    Set.of(249, 250, 251, 252);
            case "json" -> Set.of(245, 252);
            case "enum" -> Set.of(247);
            case "set" -> Set.of(248);
            case "bit" -> Set.of(16);
            default -> null;
        };
        return codes == null || codes.contains(code);
    }

    /** A definition from the binlog alone, when no recorded one fits: see docs for what it cannot know. */
    static ColumnInfo synthesize(String name, int code, int meta, boolean unsigned, List<String> labels) {
        String u = unsigned ? " unsigned" : "";
        Optional<String> utf8 = Optional.of("utf8mb4");
        return switch (code) {
            case 1 -> info(name, "tinyint", "tinyint" + u, Optional.empty(), -1, -1);
            case 2 -> info(name, "smallint", "smallint" + u, Optional.empty(), -1, -1);
            case 9 -> info(name, "mediumint", "mediumint" + u, Optional.empty(), -1, -1);
            case 3 -> info(name, "int", "int" + u, Optional.empty(), -1, -1);
            case 8 -> info(name, "bigint", "bigint" + u, Optional.empty(), -1, -1);
            case 4 -> info(name, "float", "float", Optional.empty(), -1, -1);
            case 5 -> info(name, "double", "double", Optional.empty(), -1, -1);
            case 0, 246 -> info(name, "decimal", "decimal", Optional.empty(), meta & 0xFF, meta >> 8);
            case 10, 14 -> info(name, "date", "date", Optional.empty(), -1, -1);
            case 11, 19 -> info(name, "time", "time", Optional.empty(), -1, meta);
            case 12, 18 -> info(name, "datetime", "datetime", Optional.empty(), -1, meta);
            case 7, 17 -> info(name, "timestamp", "timestamp", Optional.empty(), -1, meta);
            case 13 -> info(name, "year", "year", Optional.empty(), -1, -1);
            case 254 -> info(name, "char", "char", utf8, -1, -1);
            case 15, 253 -> info(name, "varchar", "varchar", utf8, -1, -1);
            case 245 -> new ColumnInfo(name, "json", "json", utf8, true, Optional.empty(), -1, -1, true);
            case 247 -> info(name, "enum", "enum(" + quoted(labels) + ")", utf8, -1, -1);
            case 248 -> info(name, "set", "set(" + quoted(labels) + ")", utf8, -1, -1);
            case 16 -> info(name, "bit", "bit(" + Math.max(1, (meta >> 8) * 8 + (meta & 0xFF)) + ")", Optional.empty(),
                    -1, -1);
            default -> info(name, "blob", "blob", Optional.empty(), -1, -1);
        };
    }

    private static ColumnInfo info(String name, String dataType, String columnType, Optional<String> charset,
                                   int precision, int scale) {
        return new ColumnInfo(name, dataType, columnType, charset, true, Optional.empty(), precision, scale, false);
    }

    private static String quoted(List<String> labels) {
        return labels.stream().map(l -> "'" + l.replace("'", "''") + "'").collect(Collectors.joining(","));
    }
}
