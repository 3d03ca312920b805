package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import com.github.shyiko.mysql.binlog.event.deserialization.MissingTableMapEventException;

import java.io.IOException;
import java.io.Serializable;
import java.util.BitSet;
import java.util.Map;

/**
 * The columns of one rows event for {@link RawRowDeserializers}: which of the table map's columns
 * it holds, and how to read each (type, metadata, the length a STRING column's metadata encodes).
 * Immutable.
 */
final class RowLayout {

    private static final ColumnType[] TYPES = new ColumnType[256];

    static {
        for (ColumnType t : ColumnType.values()) {
            TYPES[t.getCode() & 0xFF] = t;
        }
    }

    final ColumnType[] types;
    final int[] meta;
    final int[] length;

    RowLayout(Map<Long, TableMapEventData> tableMaps, long tableId, BitSet included) throws IOException {
        TableMapEventData map = tableMaps.get(tableId);
        if (map == null) {
            throw new MissingTableMapEventException("No TableMapEventData has been found for table id:" + tableId
                    + ". Usually that means that you have started reading binary log 'within the logical event"
                    + " group' (e.g. from WRITE_ROWS and not proceeding TABLE_MAP");
        }
        byte[] columnTypes = map.getColumnTypes();
        int[] metadata = map.getColumnMetadata();
        int n = included.cardinality();
        types = new ColumnType[n];
        meta = new int[n];
        length = new int[n];
        int index = 0;
        for (int i = 0; i < columnTypes.length; i++) {
            if (!included.get(i)) {
                continue;
            }
            int typeCode = columnTypes[i] & 0xFF;
            int m = metadata[i];
            int len = 0;
            if (typeCode == ColumnType.STRING.getCode()) {
                if (m >= 256) {
                    int meta0 = m >> 8;
                    int meta1 = m & 0xFF;
                    if ((meta0 & 0x30) != 0x30) {
                        typeCode = meta0 | 0x30;
                        len = meta1 | (((meta0 & 0x30) ^ 0x30) << 4);
                    } else {
                        if (meta0 == ColumnType.ENUM.getCode() || meta0 == ColumnType.SET.getCode()) {
                            typeCode = meta0;
                        }
                        len = meta1;
                    }
                } else {
                    len = m;
                }
            }
            types[index] = TYPES[typeCode];
            meta[index] = m;
            length[index] = len;
            index++;
        }
    }

    /**
     * One row at the cursor: the library's {@code deserializeRow} layout (null bitmap, then each
     * non-null included column), values as {@link RawRowDeserializers#cell} gives them.
     */
    Serializable[] row(RawRowDeserializers.Cursor in, RawRowDeserializers.CellReader library) throws IOException {
        Serializable[] result = new Serializable[types.length];
        int nullsAt = in.pos;
        in.pos += (types.length + 7) >> 3;
        in.need(0);
        byte[] b = in.b;
        for (int i = 0; i < types.length; i++) {
            if ((b[nullsAt + (i >> 3)] & (1 << (i & 7))) == 0) {
                result[i] = RawRowDeserializers.cell(types[i], meta[i], length[i], in, library);
            }
        }
        return result;
    }
}
