package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.DeleteRowsEventData;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.AnnotateRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.BinlogCheckpointEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.DeleteRowsEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.EventHeaderV4Deserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.FormatDescriptionEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.GtidEventDataDeserializer;
import com.github.shyiko.mysql.binlog.event.deserialization.IntVarEventDataDeserializer;
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

import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Row deserializers that give exact, time-zone-free raw values instead of the library's
 * {@code java.util.Date}s: DATE a {@code LocalDate}, DATETIME a {@code LocalDateTime} (its
 * fields, as stored), TIMESTAMP an {@code Instant} (the stored epoch; null for the zero value),
 * TIME a signed {@code Duration}, CHAR/VARCHAR/BINARY/TEXT/BLOB/BIT the stored bytes (decoded
 * later with the column's charset), MySQL's binary JSON a {@link MySqlTypes.JsonBinaryValue}.
 * A date with a zero year, month or day ({@code 0000-00-00}, {@code 2024-02-00}), which no Java
 * type holds, is its text as the server prints it ({@link MySqlTypes#zeroDateText}). Other types
 * keep the library's values.
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
        d.setEventDataDeserializer(EventType.WRITE_ROWS, new Write(tableMaps, false));
        d.setEventDataDeserializer(EventType.UPDATE_ROWS, new Update(tableMaps, false));
        d.setEventDataDeserializer(EventType.DELETE_ROWS, new Delete(tableMaps, false));
        d.setEventDataDeserializer(EventType.EXT_WRITE_ROWS, new Write(tableMaps, true));
        d.setEventDataDeserializer(EventType.EXT_UPDATE_ROWS, new Update(tableMaps, true));
        d.setEventDataDeserializer(EventType.EXT_DELETE_ROWS, new Delete(tableMaps, true));
        return d;
    }

    /**
     * A rows event's body after its header, read into one array and parsed by index: the library's
     * stream reads each byte through several calls, which was most of the reading thread's time.
     */
    static final class Cursor {
        final byte[] b;
        int pos;

        Cursor(byte[] b) {
            this.b = b;
        }

        boolean hasMore() {
            return pos < b.length;
        }

        int u8() throws IOException {
            need(1);
            return b[pos++] & 0xFF;
        }

        /** A little-endian unsigned integer of {@code n} (up to 4) bytes. */
        int le(int n) throws IOException {
            need(n);
            int v = 0;
            for (int i = 0; i < n; i++) {
                v |= (b[pos + i] & 0xFF) << (i << 3);
            }
            pos += n;
            return v;
        }

        /** A little-endian integer of {@code n} (up to 8) bytes. */
        long leLong(int n) throws IOException {
            need(n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (long) (b[pos + i] & 0xFF) << (i << 3);
            }
            pos += n;
            return v;
        }

        /** A big-endian integer of {@code n} (up to 8) bytes. */
        long be(int n) throws IOException {
            need(n);
            long v = 0;
            for (int i = 0; i < n; i++) {
                v = (v << 8) | (b[pos + i] & 0xFF);
            }
            pos += n;
            return v;
        }

        byte[] bytes(int n) throws IOException {
            need(n);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        void need(int n) throws IOException {
            if (n < 0 || pos + n > b.length) {
                throw new EOFException("a rows event ended after " + b.length + " bytes of rows, but the next value needs "
                        + n + " bytes from byte " + pos);
            }
        }
    }

    /** Reads one cell the library's way: for the types {@link #cell} leaves to it. */
    @FunctionalInterface
    interface CellReader {
        Serializable read(ColumnType type, int meta, int length, ByteArrayInputStream in) throws IOException;
    }

    /** The raw value of one non-null cell. */
    static Serializable cell(ColumnType type, int meta, int length, Cursor in, CellReader library) throws IOException {
        switch (type) {
            case TINY:
                return (int) (byte) in.u8();
            case SHORT:
                return (int) (short) in.le(2);
            case INT24:
                return (in.le(3) << 8) >> 8;
            case LONG:
                return in.le(4);
            case LONGLONG:
                return in.leLong(8);
            case FLOAT:
                return Float.intBitsToFloat(in.le(4));
            case DOUBLE:
                return Double.longBitsToDouble(in.leLong(8));
            case ENUM:
                return in.le(length);
            case SET:
                return in.leLong(length);
            case STRING:
                return in.bytes(length < 256 ? in.u8() : in.le(2));
            case VARCHAR:
            case VAR_STRING:
                return in.bytes(meta < 256 ? in.u8() : in.le(2));
            case BLOB:
            case GEOMETRY:
                return in.bytes(in.le(meta));
            case JSON:
                return new MySqlTypes.JsonBinaryValue(in.bytes(in.le(meta)));
            case BIT:
                return in.bytes(((meta >> 8) * 8 + (meta & 0xFF) + 7) / 8);
            case DATE: {
                int v = in.le(3);
                int day = v & 31;
                int month = (v >> 5) & 15;
                int year = v >> 9;
                return month == 0 || day == 0 ? MySqlTypes.zeroDateText(year, month, day, -1, 0, 0, 0, 0)
                        : LocalDate.of(year, month, day);
            }
            case TIME: {
                int v = in.le(3); // hhmmss as a decimal number, signed 24 bit
                v = (v << 8) >> 8;
                int abs = Math.abs(v);
                Duration d = Duration.ofHours(abs / 10000).plusMinutes(abs / 100 % 100).plusSeconds(abs % 100);
                return v < 0 ? d.negated() : d;
            }
            case TIME_V2:
                return timeV2(meta, in);
            case TIMESTAMP: {
                long seconds = in.leLong(4);
                return seconds == 0 ? MySqlTypes.zeroDateText(0, 0, 0, 0, 0, 0, 0, 0) : Instant.ofEpochSecond(seconds);
            }
            case TIMESTAMP_V2: {
                long seconds = in.be(4);
                long micros = fraction(meta, in);
                // the zero value; 1970-01-01 00:00:00 UTC itself is outside TIMESTAMP's range
                return seconds == 0 && micros == 0 ? MySqlTypes.zeroDateText(0, 0, 0, 0, 0, 0, 0, meta)
                        : Instant.ofEpochSecond(seconds, micros * 1000);
            }
            case DATETIME: {
                long v = in.leLong(8); // yyyymmddhhmmss as a decimal number
                int second = (int) (v % 100);
                int minute = (int) (v / 100 % 100);
                int hour = (int) (v / 10000 % 100);
                int day = (int) (v / 1000000 % 100);
                int month = (int) (v / 100000000 % 100);
                int year = (int) (v / 10000000000L);
                return month == 0 || day == 0 ? MySqlTypes.zeroDateText(year, month, day, hour, minute, second, 0, 0)
                        : LocalDateTime.of(year, month, day, hour, minute, second);
            }
            case DATETIME_V2: {
                long v = in.be(5) - 0x8000000000L;
                long micros = fraction(meta, in);
                long ymd = v >> 17;
                long ym = ymd >> 5;
                int day = (int) (ymd & 31);
                int month = (int) (ym % 13);
                int year = (int) (ym / 13);
                long hms = v & 0x1FFFF;
                int hour = (int) (hms >> 12);
                int minute = (int) ((hms >> 6) & 63);
                int second = (int) (hms & 63);
                if (month == 0 || day == 0) {
                    return MySqlTypes.zeroDateText(year, month, day, hour, minute, second, (int) micros, meta);
                }
                return LocalDateTime.of(year, month, day, hour, minute, second, (int) micros * 1000);
            }
            case NEWDECIMAL: {
                int precision = meta & 0xFF;
                int scale = meta >> 8;
                if (precision <= 18 && scale <= precision) {
                    return smallDecimal(precision, scale, in);
                }
                return byLibrary(type, meta, length, in, library);
            }
            case YEAR: {
                int v = in.u8();
                return v == 0 ? 0 : 1900 + v;
            }
            default:
                return byLibrary(type, meta, length, in, library);
        }
    }

    /** The library's reading of a cell at the cursor (a stream over the rest of the array), then past it. */
    private static Serializable byLibrary(ColumnType type, int meta, int length, Cursor in, CellReader library)
            throws IOException {
        ByteArrayInputStream rest = new ByteArrayInputStream(
                new java.io.ByteArrayInputStream(in.b, in.pos, in.b.length - in.pos));
        Serializable v = library.read(type, meta, length, rest);
        in.pos += rest.getPosition();
        return v;
    }

    private static final int[] DIG_TO_BYTES = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
    private static final long[] POW10 = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

    /**
     * MySQL's binary DECIMAL (decimal2bin) of at most 18 digits, so the unscaled value fits a long:
     * groups of 9 digits in 4 big-endian bytes, a shorter group at the outer ends, the sign in the
     * top bit (a negative value has all bits inverted). The library's general reader builds the
     * value with BigDecimal arithmetic; this one is exact and allocates only the result.
     */
    static BigDecimal smallDecimal(int precision, int scale, Cursor in) throws IOException {
        int intg = precision - scale;
        int intg0 = intg / 9;
        int intg0x = intg - intg0 * 9;
        int frac0 = scale / 9;
        int frac0x = scale - frac0 * 9;
        int size = (intg0 << 2) + DIG_TO_BYTES[intg0x] + (frac0 << 2) + DIG_TO_BYTES[frac0x];
        in.need(size);
        byte[] b = in.b;
        int at = in.pos;
        in.pos += size;
        boolean positive = (b[at] & 0x80) == 0x80;
        int mask = positive ? 0 : 0xFF;
        int first = 0x80; // the sign bit, flipped in the first byte only
        long unscaled = 0;
        int n = DIG_TO_BYTES[intg0x];
        if (n > 0) {
            unscaled = group(b, at, n, mask, first);
            first = 0;
            at += n;
        }
        for (int i = 0; i < intg0 + frac0; i++) {
            unscaled = unscaled * 1_000_000_000L + group(b, at, 4, mask, first);
            first = 0;
            at += 4;
        }
        n = DIG_TO_BYTES[frac0x];
        if (n > 0) {
            unscaled = unscaled * POW10[frac0x] + group(b, at, n, mask, first);
        }
        return BigDecimal.valueOf(positive ? unscaled : -unscaled, scale);
    }

    /** {@code n} big-endian bytes, each XOR {@code mask}; the first byte also XOR {@code first}. */
    private static long group(byte[] b, int at, int n, int mask, int first) {
        long v = ((b[at] ^ first) ^ mask) & 0xFF;
        for (int i = at + 1; i < at + n; i++) {
            v = (v << 8) | ((b[i] ^ mask) & 0xFF);
        }
        return v;
    }

    /** MySQL's TIME2 (my_time_packed_from_binary): a signed packed value with 0..6 fractional digits. */
    private static Duration timeV2(int meta, Cursor in) throws IOException {
        long packed;
        switch (meta) {
            case 1, 2 -> {
                long intPart = in.be(3) - 0x800000L;
                int frac = (byte) in.u8();
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x100;
                }
                packed = (intPart << 24) + frac * 10000L;
            }
            case 3, 4 -> {
                long intPart = in.be(3) - 0x800000L;
                int frac = (short) in.be(2);
                if (intPart < 0 && frac != 0) {
                    intPart++;
                    frac -= 0x10000;
                }
                packed = (intPart << 24) + frac * 100L;
            }
            case 5, 6 -> packed = in.be(6) - 0x800000000000L;
            default -> packed = (in.be(3) - 0x800000L) << 24;
        }
        boolean negative = packed < 0;
        long abs = Math.abs(packed);
        long hms = abs >> 24;
        long micros = abs & 0xFFFFFF;
        Duration d = Duration.ofHours((hms >> 12) & 0x3FF).plusMinutes((hms >> 6) & 63).plusSeconds(hms & 63)
                .plusNanos(micros * 1000);
        return negative ? d.negated() : d;
    }

    private static long fraction(int meta, Cursor in) throws IOException {
        int length = (meta + 1) / 2;
        if (length == 0) {
            return 0;
        }
        long f = in.be(length);
        return f * (long) Math.pow(100, 3 - length);
    }

    /** What the three rows deserializers share: the table maps, the event version, the library's cell reader. */
    private static final class Rows {
        private final Map<Long, TableMapEventData> tableMaps;
        private final boolean extraInformation;
        private final CellReader library;

        Rows(Map<Long, TableMapEventData> tableMaps, boolean extraInformation, CellReader library) {
            this.tableMaps = tableMaps;
            this.extraInformation = extraInformation;
            this.library = library;
        }

        /** The part before the column bitmaps: the table id, flags, extra data (v2 events). */
        long header(ByteArrayInputStream in) throws IOException {
            long tableId = in.readLong(6);
            in.skip(2); // flags
            if (extraInformation) {
                int extraInfoLength = in.readInteger(2);
                in.skip(extraInfoLength - 2);
            }
            return tableId;
        }

        /** The event's rows, each a single image of the included columns (WRITE, DELETE). */
        List<Serializable[]> images(ByteArrayInputStream in, long tableId, BitSet included) throws IOException {
            RowLayout layout = new RowLayout(tableMaps, tableId, included);
            Cursor rows = new Cursor(in.read(in.available()));
            List<Serializable[]> out = new ArrayList<>();
            while (rows.hasMore()) {
                out.add(layout.row(rows, library));
            }
            return out;
        }

        /** The event's rows as before and after images (UPDATE). */
        List<Map.Entry<Serializable[], Serializable[]>> pairs(ByteArrayInputStream in, long tableId, BitSet before,
                                                             BitSet after) throws IOException {
            RowLayout beforeLayout = new RowLayout(tableMaps, tableId, before);
            RowLayout afterLayout = after.equals(before) ? beforeLayout : new RowLayout(tableMaps, tableId, after);
            Cursor rows = new Cursor(in.read(in.available()));
            List<Map.Entry<Serializable[], Serializable[]>> out = new ArrayList<>();
            while (rows.hasMore()) {
                Serializable[] b = beforeLayout.row(rows, library);
                out.add(new AbstractMap.SimpleEntry<>(b, afterLayout.row(rows, library)));
            }
            return out;
        }
    }

    static final class Write extends WriteRowsEventDataDeserializer {
        private final Rows rows;

        Write(Map<Long, TableMapEventData> tableMaps, boolean extraInformation) {
            super(tableMaps);
            this.rows = new Rows(tableMaps, extraInformation, this::deserializeCell);
        }

        @Override
        public WriteRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            WriteRowsEventData d = new WriteRowsEventData();
            d.setTableId(rows.header(in));
            d.setIncludedColumns(in.readBitSet(in.readPackedInteger(), true));
            d.setRows(rows.images(in, d.getTableId(), d.getIncludedColumns()));
            return d;
        }
    }

    static final class Update extends UpdateRowsEventDataDeserializer {
        private final Rows rows;

        Update(Map<Long, TableMapEventData> tableMaps, boolean extraInformation) {
            super(tableMaps);
            this.rows = new Rows(tableMaps, extraInformation, this::deserializeCell);
        }

        @Override
        public UpdateRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            UpdateRowsEventData d = new UpdateRowsEventData();
            d.setTableId(rows.header(in));
            int columns = in.readPackedInteger();
            d.setIncludedColumnsBeforeUpdate(in.readBitSet(columns, true));
            d.setIncludedColumns(in.readBitSet(columns, true));
            d.setRows(rows.pairs(in, d.getTableId(), d.getIncludedColumnsBeforeUpdate(), d.getIncludedColumns()));
            return d;
        }
    }

    static final class Delete extends DeleteRowsEventDataDeserializer {
        private final Rows rows;

        Delete(Map<Long, TableMapEventData> tableMaps, boolean extraInformation) {
            super(tableMaps);
            this.rows = new Rows(tableMaps, extraInformation, this::deserializeCell);
        }

        @Override
        public DeleteRowsEventData deserialize(ByteArrayInputStream in) throws IOException {
            DeleteRowsEventData d = new DeleteRowsEventData();
            d.setTableId(rows.header(in));
            d.setIncludedColumns(in.readBitSet(in.readPackedInteger(), true));
            d.setRows(rows.images(in, d.getTableId(), d.getIncludedColumns()));
            return d;
        }
    }
}
