package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.source.mysql.schema.ColumnInfo;
import dev.cdc.source.mysql.schema.MySqlTable;
import dev.cdc.source.mysql.types.MySqlTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Decodes the rows of one binlog table map ({@link BinlogReader} keeps one per table id): the
 * columns' names and types (from the map, checked against the table's recorded definition), a
 * converter per column to its logical value, and the key columns. Immutable.
 */
final class RowDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(BinlogReader.class);

    final TableId table;
    final Row.Columns columns;
    final UnaryOperator<Object>[] converters;
    final Row.Columns keyColumns;
    final int[] keyIndexes;

    @SuppressWarnings("unchecked")
    private RowDecoder(TableId table, List<ColumnInfo> columns, List<String> key, boolean tinyint1AsBoolean) {
        this.table = table;
        List<String> names = columns.stream().map(ColumnInfo::name).toList();
        this.columns = Row.Columns.of(names);
        this.converters = new UnaryOperator[columns.size()];
        for (int i = 0; i < converters.length; i++) {
            converters[i] = MySqlTypes.binlogConverter(columns.get(i), tinyint1AsBoolean);
        }
        List<String> keyNames = key.stream().filter(names::contains).toList();
        this.keyColumns = Row.Columns.of(keyNames);
        this.keyIndexes = keyNames.stream().mapToInt(names::indexOf).toArray();
    }

    /** The logical values of a row's columns (as many as both the table map and the row have). */
    Object[] values(Serializable[] raw) {
        Object[] out = new Object[Math.min(converters.length, raw.length)];
        for (int i = 0; i < out.length; i++) {
            Object v = raw[i];
            out[i] = v == null ? null : converters[i].apply(v);
        }
        return out;
    }

    Row row(Object[] values) {
        return values.length == columns.size() ? Row.of(columns, values)
                : Row.of(Row.Columns.of(columns.names().subList(0, values.length)), values);
    }

    Row key(Object[] values) {
        if (keyIndexes.length == 0 || values == null) {
            return Row.empty();
        }
        Object[] k = new Object[keyIndexes.length];
        for (int i = 0; i < k.length; i++) {
            if (keyIndexes[i] >= values.length) {
                return shortKey(values); // the row is shorter than the table map
            }
            k[i] = values[keyIndexes[i]];
        }
        return Row.of(keyColumns, k);
    }

    /** The key columns a row shorter than its table map has. */
    private Row shortKey(Object[] values) {
        Row.Builder b = Row.builder();
        List<String> names = keyColumns.names();
        for (int i = 0; i < keyIndexes.length; i++) {
            if (keyIndexes[i] < values.length) {
                b.put(names.get(i), values[keyIndexes[i]]);
            }
        }
        return b.build();
    }

    /** Whether two table maps describe the same table in the same shape. */
    static boolean sameShape(TableMapEventData a, TableMapEventData b) {
        return Objects.equals(a.getDatabase(), b.getDatabase())
                && Objects.equals(a.getTable(), b.getTable())
                && Arrays.equals(a.getColumnTypes(), b.getColumnTypes())
                && Arrays.equals(a.getColumnMetadata(), b.getColumnMetadata())
                && Objects.equals(names(a), names(b));
    }

    private static List<String> names(TableMapEventData t) {
        TableMapEventMetadata m = t.getEventMetadata();
        return m == null ? null : m.getColumnNames();
    }

    /**
     * The decoder of a table map's rows: column names from the map (binlog_row_metadata FULL) or
     * else from {@code known}, the table's recorded definition at {@code at} when it fits; each
     * column's type from that definition when it matches the binlog's type, else from the binlog alone.
     */
    static RowDecoder of(TableMapEventData map, Optional<MySqlTable> known, BinlogPosition at,
                         boolean tinyint1AsBoolean) {
        TableId table = TableId.of(map.getDatabase(), map.getTable());
        List<String> names = names(map);
        byte[] types = map.getColumnTypes();
        int[] meta = map.getColumnMetadata();
        TableMapEventMetadata md = map.getEventMetadata();
        if (names == null) {
            // binlog_row_metadata MINIMAL / NO_LOG: the names of the recorded definition of this time, when it fits
            List<ColumnInfo> defined = known.map(MySqlTable::columns).orElse(List.of());
            if (defined.size() == types.length) {
                names = defined.stream().map(ColumnInfo::name).toList();
            } else {
                LOG.warn("{} at {}: the binlog has no column names (binlog_row_metadata is not FULL) and the recorded"
                        + " definition has {} columns where the row has {}: naming them col1..col{}", table, at,
                        defined.size(), types.length, types.length);
            }
        }
        List<ColumnInfo> columns = new ArrayList<>();
        int enumIndex = 0;
        int setIndex = 0;
        for (int i = 0; i < types.length; i++) {
            String name = names != null && i < names.size() ? names.get(i) : "col" + (i + 1);
            int code = types[i] & 0xFF;
            int realCode = code == 254 && meta[i] >= 256 && ((meta[i] >> 8) == 247 || (meta[i] >> 8) == 248)
                    ? meta[i] >> 8 : code;
            boolean numeric = BinlogColumns.isNumeric(realCode);
            boolean unsigned = numeric && md != null && md.getSignedness() != null
                    && md.getSignedness().get(i);
            final int col = i;
            List<String> labels = List.of();
            if (realCode == 247) {
                labels = md != null && md.getEnumStrValues() != null && enumIndex < md.getEnumStrValues().size()
                        ? List.of(md.getEnumStrValues().get(enumIndex)) : List.of();
                enumIndex++;
            } else if (realCode == 248) {
                labels = md != null && md.getSetStrValues() != null && setIndex < md.getSetStrValues().size()
                        ? List.of(md.getSetStrValues().get(setIndex)) : List.of();
                setIndex++;
            }
            Optional<ColumnInfo> hint = known.flatMap(t -> t.column(name));
            List<String> labelsOf = List.copyOf(labels);
            ColumnInfo c = hint.filter(x -> BinlogColumns.matches(x, realCode)).map(x -> x.withName(name))
                    .orElseGet(() -> BinlogColumns.synthesize(name, realCode, meta[col], unsigned, labelsOf));
            if (hint.isEmpty() || !BinlogColumns.matches(hint.get(), realCode)) {
                LOG.debug("column {} of {} at {}: no matching definition, decoded from the binlog alone as {}", name,
                        table, at, c.columnType());
            }
            columns.add(c);
        }
        List<String> key = known.map(MySqlTable::primaryKey).orElse(List.of()).stream()
                .filter(k -> columns.stream().anyMatch(c -> c.name().equalsIgnoreCase(k))).toList();
        if (key.isEmpty() && md != null && md.getSimplePrimaryKeys() != null) {
            key = md.getSimplePrimaryKeys().stream().map(i -> columns.get(i).name()).toList();
        }
        return new RowDecoder(table, columns, key, tinyint1AsBoolean);
    }
}
