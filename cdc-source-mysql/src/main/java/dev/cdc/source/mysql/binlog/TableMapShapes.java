package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import dev.cdc.api.event.TableId;
import dev.cdc.source.mysql.schema.ColumnInfo;
import dev.cdc.source.mysql.schema.MySqlTable;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table's shape as a TABLE_MAP event proves it: the table exactly as the rows that follow it
 * were written. With {@code binlog_row_metadata=FULL} that is the column names, order and
 * binlog types, signedness, nullability, decimal precision / scale, fractional seconds, bit
 * widths, string byte lengths, charsets (text vs binary), enum / set labels and the primary
 * key; with MINIMAL / NO_LOG only the count, types and nullability. What it never tells
 * (defaults, {@code tinyint(1)}, MariaDB's JSON check, the exact {@code COLUMN_TYPE} text) may
 * come from a definition read from the server, but only where that definition agrees with every
 * fact the map proves ({@link #mismatch}).
 */
final class TableMapShapes {

    private TableMapShapes() {
    }

    /** One column as the table map describes it. */
    record MapColumn(Optional<String> name, int code, int meta, boolean unsigned, boolean nullable,
                     Optional<List<String>> labels, Optional<String> charset) {
    }

    /** Whether the map carries column names (the server wrote it under {@code binlog_row_metadata=FULL}). */
    static boolean hasNames(TableMapEventData map) {
        TableMapEventMetadata m = map.getEventMetadata();
        return m != null && m.getColumnNames() != null && m.getColumnNames().size() == map.getColumnTypes().length;
    }

    /** The binlog type behind a STRING column's code (ENUM and SET travel as STRING with the real type in the meta). */
    static int realType(int code, int meta) {
        return code == 254 && meta >= 256 && ((meta >> 8) == 247 || (meta >> 8) == 248) ? meta >> 8 : code;
    }

    /** The map's columns, in order. */
    static List<MapColumn> columns(TableMapEventData map) {
        byte[] types = map.getColumnTypes();
        int[] meta = map.getColumnMetadata();
        BitSet nulls = map.getColumnNullability();
        TableMapEventMetadata md = map.getEventMetadata();
        List<String> names = hasNames(map) ? md.getColumnNames() : null;
        List<MapColumn> out = new ArrayList<>(types.length);
        int enums = 0;
        int sets = 0;
        int character = 0;
        for (int i = 0; i < types.length; i++) {
            int code = realType(types[i] & 0xFF, meta[i]);
            // the library's signedness bits are by column index (it spreads the binlog's numeric-column bits)
            boolean unsigned = BinlogColumns.isNumeric(code) && md != null && md.getSignedness() != null
                    && md.getSignedness().get(i);
            Optional<List<String>> labels = Optional.empty();
            if (code == 247) {
                labels = label(md == null ? null : md.getEnumStrValues(), enums++);
            } else if (code == 248) {
                labels = label(md == null ? null : md.getSetStrValues(), sets++);
            }
            Optional<String> charset = Optional.empty();
            if (code == 254 || code == 15 || code == 253 || (code >= 249 && code <= 252)) {
                charset = collation(md, character++).flatMap(TableMapShapes::charsetOf);
            }
            out.add(new MapColumn(Optional.ofNullable(names == null ? null : names.get(i)), code, meta[i], unsigned,
                    nulls != null && nulls.get(i), labels, charset));
        }
        return out;
    }

    /**
     * What the recorded definition says that the map disproves, or empty when it agrees with every
     * fact the map has (all of them under FULL metadata; count, types and nullability otherwise).
     */
    static Optional<String> mismatch(MySqlTable recorded, TableMapEventData map) {
        List<MapColumn> cols = columns(map);
        if (recorded.columns().size() != cols.size()) {
            return Optional.of("the binlog has " + cols.size() + " columns " + describe(cols) + ", the definition "
                    + recorded.columns().size() + " " + recorded.columns().stream().map(ColumnInfo::name).toList());
        }
        for (int i = 0; i < cols.size(); i++) {
            Optional<String> m = mismatch(recorded.columns().get(i), cols.get(i));
            if (m.isPresent()) {
                return Optional.of("column " + (i + 1) + ": " + m.get());
            }
        }
        if (hasNames(map)) {
            List<String> key = primaryKey(map);
            if (!key.equals(recorded.primaryKey())) {
                return Optional.of("the binlog's primary key is " + key + ", the definition's " + recorded.primaryKey());
            }
        }
        return Optional.empty();
    }

    /** What a recorded column says that the map's column disproves. */
    static Optional<String> mismatch(ColumnInfo c, MapColumn m) {
        String what = "'" + c.name() + "' " + c.columnType() + " vs the binlog's " + describe(m);
        if (m.name().isPresent() && !m.name().get().equals(c.name())) {
            return Optional.of(what + " (name)");
        }
        if (!BinlogColumns.matches(c, m.code())) {
            return Optional.of(what + " (type)");
        }
        if (c.nullable() != m.nullable()) {
            return Optional.of(what + " (nullability)");
        }
        if (m.name().isEmpty()) {
            return Optional.empty(); // MINIMAL: only count, types and nullability are known
        }
        if (BinlogColumns.isNumeric(m.code()) && m.code() != 0 && m.code() != 246 && c.unsigned() != m.unsigned()) {
            return Optional.of(what + " (signedness)");
        }
        if ((m.code() == 0 || m.code() == 246) && (c.precision() != (m.meta() & 0xFF) || c.scale() != m.meta() >> 8)) {
            return Optional.of(what + " (precision, scale)");
        }
        if ((m.code() == 17 || m.code() == 18 || m.code() == 19) && Math.max(0, c.scale()) != m.meta()) {
            return Optional.of(what + " (fractional seconds)");
        }
        if (m.code() == 16 && c.bitWidth() != bitWidth(m.meta())) {
            return Optional.of(what + " (width)");
        }
        if (m.labels().isPresent() && !m.labels().get().equals(c.labels())) {
            return Optional.of(what + " (labels)");
        }
        if (m.charset().isPresent() && binary(m.charset().get()) != isBinaryType(c)) {
            return Optional.of(what + " (text vs binary)");
        }
        if (m.code() == 252 && !blobSize(c.dataType()).map(s -> s == m.meta()).orElse(true)) {
            return Optional.of(what + " (size)");
        }
        OptionalLength declared = declaredBytes(c);
        Optional<Integer> mapBytes = stringBytes(m);
        if (declared.known() && mapBytes.isPresent() && declared.bytes() != mapBytes.get()) {
            return Optional.of(what + " (length)");
        }
        return Optional.empty();
    }

    /**
     * The shape the map proves, with what it cannot tell taken from the first hint that agrees with
     * it: a whole hint that agrees with every fact (e.g. the server's definition read at the DDL, or
     * the version in effect) is returned as it is; otherwise each column takes the details of the
     * first hint's column of the same name that agrees with it, or is built from the map alone.
     * Needs column names (FULL metadata).
     */
    static MySqlTable shape(TableId id, TableMapEventData map, List<MySqlTable> hints) {
        for (MySqlTable h : hints) {
            if (mismatch(h, map).isEmpty()) {
                return new MySqlTable(id, h.columns(), h.primaryKey());
            }
        }
        List<ColumnInfo> out = new ArrayList<>();
        for (MapColumn m : columns(map)) {
            String name = m.name().orElseThrow();
            Optional<ColumnInfo> hinted = hints.stream().flatMap(h -> h.columns().stream())
                    .filter(c -> c.name().equals(name) && mismatch(c, m).isEmpty()).findFirst();
            out.add(hinted.orElseGet(() -> fromMap(m)));
        }
        return new MySqlTable(id, out, primaryKey(map));
    }

    /** The column as the map alone describes it (see the class comment for what it cannot know). */
    static ColumnInfo fromMap(MapColumn m) {
        String name = m.name().orElseThrow();
        String u = m.unsigned() ? " unsigned" : "";
        Optional<String> cs = m.charset();
        boolean bin = cs.map(TableMapShapes::binary).orElse(false);
        Optional<String> textCharset = bin ? Optional.of("binary") : cs.or(() -> Optional.of("utf8mb4"));
        int meta = m.meta();
        return switch (m.code()) {
            case 1 -> col(m, "tinyint", "tinyint" + u, Optional.empty(), -1, -1);
            case 2 -> col(m, "smallint", "smallint" + u, Optional.empty(), -1, -1);
            case 9 -> col(m, "mediumint", "mediumint" + u, Optional.empty(), -1, -1);
            case 3 -> col(m, "int", "int" + u, Optional.empty(), -1, -1);
            case 8 -> col(m, "bigint", "bigint" + u, Optional.empty(), -1, -1);
            case 4 -> col(m, "float", "float", Optional.empty(), -1, -1);
            case 5 -> col(m, "double", "double", Optional.empty(), -1, -1);
            case 0, 246 -> col(m, "decimal", "decimal(" + (meta & 0xFF) + "," + (meta >> 8) + ")", Optional.empty(),
                    meta & 0xFF, meta >> 8);
            case 10, 14 -> col(m, "date", "date", Optional.empty(), -1, -1);
            case 11 -> col(m, "time", "time", Optional.empty(), -1, 0);
            case 19 -> col(m, "time", fsp("time", meta), Optional.empty(), -1, meta);
            case 12 -> col(m, "datetime", "datetime", Optional.empty(), -1, 0);
            case 18 -> col(m, "datetime", fsp("datetime", meta), Optional.empty(), -1, meta);
            case 7 -> col(m, "timestamp", "timestamp", Optional.empty(), -1, 0);
            case 17 -> col(m, "timestamp", fsp("timestamp", meta), Optional.empty(), -1, meta);
            case 13 -> col(m, "year", "year", Optional.empty(), -1, -1);
            case 16 -> col(m, "bit", "bit(" + bitWidth(meta) + ")", Optional.empty(), -1, -1);
            case 245 -> new ColumnInfo(name, "json", "json", Optional.of("utf8mb4"), m.nullable(), Optional.empty(),
                    -1, -1, true);
            case 247 -> col(m, "enum", "enum(" + quoted(m.labels().orElse(List.of())) + ")", textCharset, -1, -1);
            case 248 -> col(m, "set", "set(" + quoted(m.labels().orElse(List.of())) + ")", textCharset, -1, -1);
            case 15, 253 -> col(m, bin ? "varbinary" : "varchar", (bin ? "varbinary" : "varchar")
                    + length(stringBytes(m), cs), textCharset, -1, -1);
            case 254 -> col(m, bin ? "binary" : "char", (bin ? "binary" : "char") + length(stringBytes(m), cs),
                    textCharset, -1, -1);
            case 249, 250, 251, 252 -> {
                String size = switch (m.code() == 252 ? meta : m.code() - 248) {
                    case 1 -> "tiny";
                    case 3 -> "medium";
                    case 4 -> "long";
                    default -> "";
                };
                // without charset metadata TEXT and BLOB look alike: bytes (see docs)
                String t = size + (cs.isPresent() && !bin ? "text" : "blob");
                yield col(m, t, t, cs.isPresent() && !bin ? cs : Optional.empty(), -1, -1);
            }
            default -> col(m, "blob", "blob", Optional.empty(), -1, -1);
        };
    }

    /** The primary key the map names (FULL metadata), empty when the table has none. */
    static List<String> primaryKey(TableMapEventData map) {
        TableMapEventMetadata md = map.getEventMetadata();
        if (md == null || md.getColumnNames() == null) {
            return List.of();
        }
        List<String> names = md.getColumnNames();
        if (md.getSimplePrimaryKeys() != null && !md.getSimplePrimaryKeys().isEmpty()) {
            return md.getSimplePrimaryKeys().stream().map(names::get).toList();
        }
        if (md.getPrimaryKeysWithPrefix() != null && !md.getPrimaryKeysWithPrefix().isEmpty()) {
            return md.getPrimaryKeysWithPrefix().keySet().stream().map(names::get).toList();
        }
        return List.of();
    }

    static String describe(List<MapColumn> cols) {
        return cols.stream().map(TableMapShapes::describe).toList().toString();
    }

    private static String describe(MapColumn m) {
        if (m.name().isPresent()) {
            return m.name().get() + " " + fromMap(m).columnType() + (m.nullable() ? "" : " not null");
        }
        return "type " + m.code() + (m.nullable() ? "" : " not null");
    }

    private static ColumnInfo col(MapColumn m, String dataType, String columnType, Optional<String> charset,
                                  int precision, int scale) {
        return new ColumnInfo(m.name().orElseThrow(), dataType, columnType, charset, m.nullable(), Optional.empty(),
                precision, scale, false);
    }

    private static Optional<List<String>> label(List<String[]> values, int index) {
        return values != null && index < values.size() ? Optional.of(List.of(values.get(index))) : Optional.empty();
    }

    /** The collation of the index-th character column, when the map has charset metadata. */
    private static Optional<Integer> collation(TableMapEventMetadata md, int index) {
        if (md == null) {
            return Optional.empty();
        }
        if (md.getColumnCharsets() != null && index < md.getColumnCharsets().size()) {
            return Optional.of(md.getColumnCharsets().get(index));
        }
        TableMapEventMetadata.DefaultCharset d = md.getDefaultCharset();
        if (d != null) {
            Map<Integer, Integer> other = d.getCharsetCollations();
            return Optional.of(other != null && other.containsKey(index) ? other.get(index)
                    : d.getDefaultCharsetCollation());
        }
        return Optional.empty();
    }

    /** The charset of a collation id (the common ones; others are unknown and their lengths left unchecked). */
    static Optional<String> charsetOf(int collation) {
        if (collation == 63) {
            return Optional.of("binary");
        }
        if (collation == 8 || collation == 5 || collation == 15 || collation == 31 || collation == 47
                || collation == 48 || collation == 49 || collation == 94) {
            return Optional.of("latin1");
        }
        if (collation == 11 || collation == 65) {
            return Optional.of("ascii");
        }
        if (collation == 33 || collation == 83 || (collation >= 192 && collation <= 215) || collation == 223) {
            return Optional.of("utf8mb3");
        }
        if (collation == 45 || collation == 46 || (collation >= 224 && collation <= 247)
                || (collation >= 255 && collation <= 323)) {
            return Optional.of("utf8mb4");
        }
        return Optional.empty();
    }

    private static int maxBytes(String charset) {
        return switch (charset) {
            case "binary", "latin1", "ascii" -> 1;
            case "utf8", "utf8mb3" -> 3;
            case "utf8mb4" -> 4;
            default -> 0;
        };
    }

    private static boolean binary(String charset) {
        return charset.equals("binary");
    }

    private static boolean isBinaryType(ColumnInfo c) {
        return switch (c.dataType()) {
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" -> true;
            default -> c.charset().map(TableMapShapes::binary).orElse(false);
        };
    }

    private static Optional<Integer> blobSize(String dataType) {
        return switch (dataType) {
            case "tinytext", "tinyblob" -> Optional.of(1);
            case "text", "blob" -> Optional.of(2);
            case "mediumtext", "mediumblob" -> Optional.of(3);
            case "longtext", "longblob" -> Optional.of(4);
            default -> Optional.empty();
        };
    }

    /** The byte length a CHAR / VARCHAR / BINARY / VARBINARY column's meta gives. */
    private static Optional<Integer> stringBytes(MapColumn m) {
        if (m.code() == 15 || m.code() == 253) {
            return Optional.of(m.meta());
        }
        if (m.code() == 254) {
            int b0 = m.meta() >> 8;
            int b1 = m.meta() & 0xFF;
            return Optional.of((b0 & 0x30) != 0x30 ? b1 | (((b0 & 0x30) ^ 0x30) << 4) : b1);
        }
        return Optional.empty();
    }

    private record OptionalLength(boolean known, int bytes) {
    }

    /** The byte length a recorded CHAR(n) / VARCHAR(n) / BINARY(n) / VARBINARY(n) takes, when its charset is known. */
    private static OptionalLength declaredBytes(ColumnInfo c) {
        boolean bin = c.dataType().equals("binary") || c.dataType().equals("varbinary");
        if (!bin && !c.dataType().equals("char") && !c.dataType().equals("varchar")) {
            return new OptionalLength(false, 0);
        }
        int open = c.columnType().indexOf('(');
        int close = c.columnType().indexOf(')');
        int per = bin ? 1 : c.charset().map(TableMapShapes::maxBytes).orElse(0);
        if (open < 0 || close < open || per == 0) {
            return new OptionalLength(false, 0);
        }
        return new OptionalLength(true, Integer.parseInt(c.columnType().substring(open + 1, close).trim()) * per);
    }

    private static String length(Optional<Integer> bytes, Optional<String> charset) {
        int per = charset.map(TableMapShapes::maxBytes).orElse(0);
        return bytes.isPresent() && per > 0 ? "(" + bytes.get() / per + ")" : "";
    }

    private static int bitWidth(int meta) {
        return Math.max(1, (meta >> 8) * 8 + (meta & 0xFF));
    }

    private static String fsp(String type, int digits) {
        return digits > 0 ? type + "(" + digits + ")" : type;
    }

    private static String quoted(List<String> labels) {
        return String.join(",", labels.stream().map(l -> "'" + l.replace("'", "''") + "'").toList());
    }
}
