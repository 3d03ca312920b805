package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AnnotateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.BinlogCheckpointEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.IntVarEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MissingTableMapEventException;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.MariadbGtidListEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.NullEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.QueryEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.RotateEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.TableMapEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.UpdateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.WriteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.XidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.io.ByteArrayInputStream;
import dev.cdc.source.mysql.types.MySqlTypes;

import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Row deserializers that give exact, time-zone-free raw values instead of the library's
 * {@code java.util.Date}s: DATE a {@code LocalDate}, DATETIME a {@code LocalDateTime} (its
 * fields, as stored), TIMESTAMP an {@code Instant} (the stored epoch; null for the zero value),
 * TIME a signed {@code Duration}, CHAR/VARCHAR/BINARY/TEXT/BLOB/BIT the stored bytes (decoded
 * later with the column's charset), MySQL's binary JSON a {@link MySqlTypes.JsonBinaryValue}.
 * Zero dates ({@code 0000-00-00}) are null. Other types keep the library's values.
 */
public final class RawRowDeserializers {

    private RawRowDeserializers() {
    }

    /** An event deserializer for the events this source reads, with the raw row deserializers. */
    public static EventDeserializer eventDeserializer() {
        Map<Long, TableMapEventData> tableMaps = new HashMap<>();
        EventDeserializer d = new EventDeserializer(new EventHeaderV4Deserializer(), new NullEventDataDeserializer(),
                new HashMap<>(), tableMaps);
        d.setEventDataDeserializer(EventType.FORMAT_DESCRIPTION, new FormatDescriptionEventDataDeserializer());
        d.setEventDataDeserializer(EventType.ROTATE, new RotateEventDataDeserializer());
        d.setEventDataDeserializer(EventType.INTVAR, new IntVarEventDataDeserializer());
        d.setEventDataDeserializer(EventType.QUERY, new QueryEventDataDeserializer());
        d.setEventDataDeserializer(EventType.TABLE_MAP, new TableMapEventDataDeserializer());
        d.setEventDataDeserializer(EventType.XID, new XidEventDataDeserializer());
        d.setEventDataDeserializer(EventType.GTID, new GtidEventDataDeserializer());
        d.setEventDataDeserializer(EventType.MARIADB_GTID, new MariadbGtidEventDataDeserializer());
        d.setEventDataDeserializer(EventType.MARIADB_GTID_LIST, new MariadbGtidListEventDataDeserializer());
        d.setEventDataDeserializer(EventType.ANNOTATE_ROWS, new AnnotateRowsEventDataDeserializer());
        d.setEventDataDeserializer(EventType.BINLOG_CHECKPOINT, new BinlogCheckpointEventDataDeserializer());
        d.setEventDataDeserializer(EventType.WRITE_ROWS, new Write(tableMaps));
        d.setEventDataDeserializer(EventType.UPDATE_ROWS, new Update(tableMaps));
        d.setEventDataDeserializer(EventType.DELETE_ROWS, new Delete(tableMaps));
        d.setEventDataDeserializer(EventType.EXT_WRITE_ROWS, new Write(tableMaps).setMayContainExtraInformation(true));
        d.setEventDataDeserializer(EventType.EXT_UPDATE_ROWS, new Update(tableMaps).setMayContainExtraInformation(true));
        d.setEventDataDeserializer(EventType.EXT_DELETE_ROWS, new Delete(tableMaps).setMayContainExtraInformation(true));
        return d;
    }

    private static final Object DEFAULT = new Object();

    /** The raw value of one cell, or {@link #DEFAULT} to let the library read it. */
    static Object cell(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException {
        switch (type) {
            case STRING:
                return in.read(length < 256 ? in.readInteger(1) : in.readInteger(2));
            case VARCHAR:
            case VAR_STRING:
                return in.read(meta < 256 ? in.readInteger(1) : in.readInteger(2));
            case BLOB:
            case GEOMETRY:
                return in.read(in.readInteger(meta));
            case JSON:
                return new MySqlTypes.JsonBinaryValue(in.read(in.readInteger(meta)));
            case BIT:
                return in.read(((meta >> 8) * 8 + (meta & 0xFF) + 7) / 8);
            case DATE: {
                int v = in.readInteger(3);
                int day = v & 31;
                int month = (v >> 5) & 15;
                int year = v >> 9;
                return year == 0 || month == 0 || day == 0 ? null : LocalDate.of(year, month, day);
            }
            case TIME: {
                int v = in.readInteger(3); // hhmmss as a decimal number, signed 24 bit
                v = (v << 8) >> 8;
                int abs = Math.abs(v);
                Duration d = Duration.ofHours(abs / 10000).plusMinutes(abs / 100 % 100).plusSeconds(abs % 100);
                return v < 0 ? d.negated() : d;
            }
            case TIME_V2:
                return timeV2(meta, in);
            case TIMESTAMP: {
                long seconds = in.readLong(4);
                return seconds == 0 ? null : Instant.ofEpochSecond(seconds);
            }
            case TIMESTAMP_V2: {
                long seconds = bigEndian(in.read(4));
                long micros = fraction(meta, in);
                return seconds == 0 && micros == 0 ? null : Instant.ofEpochSecond(seconds, micros * 1000);
            }
            case DATETIME: {
                long v = in.readLong(8); // yyyymmddhhmmss as a decimal number
                int second = (int) (v % 100);
                int minute = (int) (v / 100 % 100);
                int hour = (int) (v / 10000 % 100);
                int day = (int) (v / 1000000 % 100);
                int month = (int) (v / 100000000 % 100);
                int year = (int) (v / 10000000000L);
                return year == 0 || month == 0 || day == 0 ? null
                        : LocalDateTime.of(year, month, day, hour, minute, second);
            }
            case DATETIME_V2: {
                long v = bigEndian(in.read(5)) - 0x8000000000L;
                long micros = fraction(meta, in);
                long ymd = v >> 17;
                long ym = ymd >> 5;
                int day = (int) (ymd & 31);
                int month = (int) (ym % 13);
                int year = (int) (ym / 13);
                long hms = v & 0x1FFFF;
                if (year == 0 || month == 0 || day == 0) {
                    return null;
                }
                return LocalDateTime.of(year, month, day, (int) (hms >> 12), (int) ((hms >> 6) & 63), (int) (hms & 63),
                        (int) micros * 1000);
            }
            case NEWDECIMAL: {
                int precision = meta & 0xFF;
                int scale = meta >> 8;
                return precision <= 18 && scale <= precision ? smallDecimal(precision, scale, in) : DEFAULT;
            }
            case YEAR: {
                int v = in.readInteger(1);
                return v == 0 ? 0 : 1900 + v;
            }
            default:
                return DEFAULT;
        }
    }

    private static final int[] DIG_TO_BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    private static final long[] POW10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

    /**
     * MySQL's binary DECIMAL (decimal2bin) of at most 18 digits, so the unscaled value fits a long:
     * groups of 9 digits in 4 big-endian bytes, a shorter group at the outer ends, the sign in the
     * top bit (a negative value has all bits inverted). The library's general reader builds the
     * value with BigDecimal arithmetic; this one is exact and allocates only the result.
     */
    static BigDecimal smallDecimal(int precision, int scale, ByteArrayInputStream in) throws IOException {
        int intg = precision - scale;
        int intg0 = intg / 9;
        int intg0x = intg - intg0 * 9;
        int frac0 = scale / 9;
        int frac0x = scale - frac0 * 9;
        int size = (intg0 << 2) + DIG_TO_BYTES[intg0x] + (frac0 << 2) + DIG_TO_BYTES[frac0x];
        byte[] b = in.read(size);
        boolean positive = (b[0] & 0x80) == 0x80;
        int mask = positive ? 0 : 0xFF;
        b[0] ^= (byte) 0x80;
        int at = 0;
        long unscaled = 0;
        int n = DIG_TO_BYTES[intg0x];
        if (n > 0) {
            unscaled = group(b, at, n, mask);
            at += n;
        }
        for (int i = 0; i < intg0 + frac0; i++) {
            unscaled = unscaled * 1_000_000_000L + group(b, at, 4, mask);
            at += 4;
        }
        n = DIG_TO_BYTES[frac0x];
        if (n > 0) {
            unscaled = unscaled * POW10[frac0x] + group(b, at, n, mask);
        }
        return BigDecimal.valueOf(positive ? unscaled : -unscaled, scale);
    }

    private static long group(byte[] b, int at, int n, int mask) {
        long v = 0;
        for (int i = at; i < at + n; i++) {
            v = (v << 8) | ((b[i] ^ mask) & 0xFF);
        }
        return v;
    }

    /** MySQL's TIME2 (my_time_packed_from_binary): a signed packed value with 0..6 fractional digits. */
    private static Duration timeV2(int meta, ByteArrayInputStream in) throws IOException {
        long packed;
        switch (meta) {
            case 1, 2 -> {
                long intPart = bigEndian(in.read(3)) - 0x800000L;
                int frac = (byte) in.read();
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10000L;
            }
            case 3, 4 -> {
                long intPart = bigEndian(in.read(3)) - 0x800000L;
                int frac = (short) bigEndian(in.read(2));
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100L;
            }
            case 5, 6 -> packed = bigEndian(in.read(6)) - 0x800000000000L;
            default -> packed = (bigEndian(in.read(3)) - 0x800000L) << 24;
        }
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        long micros = abs & 0xFFFFFF;
        Duration d = Duration.ofHours((hms >> 12) & 0x3FF).plusMinutes((hms >> 6) & 63).plusSeconds(hms & 63)
                .plusNanos(micros * 1000);
        return negative ? d.negated() : d;
    }

    private static long fraction(int meta, ByteArrayInputStream in) throws IOException {
        int length = (meta + 1) / 2;
        if (length == 0) {
            return 0;
        }
        long f = bigEndian(in.read(length));
        return f * (long) Math.pow(100, 3 - length);
    }

    private static long bigEndian(byte[] bytes) {
        long v = 0;
        for (byte b : bytes) {
            v = (v << 8) | (b & 0xFF);
        }
        return v;
    }

    private static final ColumnType[] TYPES = new ColumnType[256];

    static {
        for (ColumnType t : ColumnType.values()) {
            TYPES[t.getCode() & 0xFF] = t;
        }
    }

    /** Reads one cell: the deserializer's own {@code deserializeCell}. */
    @FunctionalInterface
    interface CellReader {
        Serializable read(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException;
    }

    /**
     * The library's {@code deserializeRow} (same layout rules, same cell reader) without its per-cell
     * boxing lookup of the column type and without building a BitSet for each row's null bitmap.
     */
    static Serializable[] row(Map<Long, TableMapEventData> tableMaps, long tableId, BitSet included,
                              ByteArrayInputStream in, CellReader cells) throws IOException {
        TableMapEventData map = tableMaps.get(tableId);
        if (map == null) {
            throw new MissingTableMapEventException("No TableMapEventData has been found for table id:" + tableId
                    + ". Usually that means that you have started reading binary log 'within the logical event group'"
                    + " (e.g. from WRITE_ROWS and not proceeding TABLE_MAP");
        }
        byte[] types = map.getColumnTypes();
        int[] metadata = map.getColumnMetadata();
        Serializable[] result = new Serializable[included.cardinality()];
        byte[] nulls = in.read((result.length + 7) >> 3);
        for (int i = 0, skipped = 0; i < types.length; i++) {
            if (!included.get(i)) {
                skipped++;
                continue;
            }
            int index = i - skipped;
            if ((nulls[index >> 3] & (1 << (index & 7))) != 0) {
                continue;
            }
            int typeCode = types[i] & 0xFF;
            int meta = metadata[i];
            int length = 0;
            if (typeCode == ColumnType.STRING.getCode()) {
                if (meta >= 256) {
                    int meta0 = meta >> 8;
                    int meta1 = meta & 0xFF;
                    if ((meta0 & 0x30) != 0x30) {
                        typeCode = meta0 | 0x30;
                        length = meta1 | (((meta0 & 0x30) ^ 0x30) << 4);
                    } else {
                        if (meta0 == ColumnType.ENUM.getCode() || meta0 == ColumnType.SET.getCode()) {
                            typeCode = meta0;
                        }
                        length = meta1;
                    }
                } else {
                    length = meta;
                }
            }
            result[index] = cells.read(TYPES[typeCode], meta, length, in);
        }
        return result;
    }

    static final class Write extends WriteRowsEventDataDeserializer {
        private final Map<Long, TableMapEventData> tableMaps;
        private final CellReader cells = this::deserializeCell;

        Write(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
            this.tableMaps = tableMaps;
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet included, ByteArrayInputStream in)
                throws IOException {
            return row(tableMaps, tableId, included, in, cells);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            Object v = cell(type, meta, length, in);
            return v == DEFAULT ? super.deserializeCell(type, meta, length, in) : (Serializable) v;
        }
    }

    static final class Update extends UpdateRowsEventDataDeserializer {
        private final Map<Long, TableMapEventData> tableMaps;
        private final CellReader cells = this::deserializeCell;

        Update(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
            this.tableMaps = tableMaps;
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet included, ByteArrayInputStream in)
                throws IOException {
            return row(tableMaps, tableId, included, in, cells);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            Object v = cell(type, meta, length, in);
            return v == DEFAULT ? super.deserializeCell(type, meta, length, in) : (Serializable) v;
        }
    }

    static final class Delete extends DeleteRowsEventDataDeserializer {
        private final Map<Long, TableMapEventData> tableMaps;
        private final CellReader cells = this::deserializeCell;

        Delete(Map<Long, TableMapEventData> tableMaps) {
            super(tableMaps);
            this.tableMaps = tableMaps;
        }

        @Override
        protected Serializable[] deserializeRow(long tableId, BitSet included, ByteArrayInputStream in)
                throws IOException {
            return row(tableMaps, tableId, included, in, cells);
        }

        @Override
        protected Serializable deserializeCell(ColumnType type, int meta, int length, ByteArrayInputStream in)
                throws IOException {
            Object v = cell(type, meta, length, in);
            return v == DEFAULT ? super.deserializeCell(type, meta, length, in) : (Serializable) v;
        }
    }
}
