package dev.cdc.source.mysql.backfill;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.UpdateRowsEventData;
import com.github.shyiko.mysql.binlog.event.WriteRowsEventData;
import dev.cdc.api.event.TableId;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds this source's watermarks in the binlog: the rows written to the {@link WatermarkTable}
 * with its server-id (other sources' rows in the same table are ignored). Sees every event the
 * source reads, after {@code BinlogReader} handled it; the watermark table is never captured, so
 * the reader emits nothing for these rows. Used from the source thread only.
 */
public final class WatermarkSightings {

    private final TableId table;
    private final long serverId;
    /** The binlog's table ids that currently map to the watermark table. */
    private final Set<Long> tableIds = new HashSet<>();

    public WatermarkSightings(TableId table, long serverId) {
        this.table = table;
        this.serverId = serverId;
    }

    /** The mark this source wrote, when {@code event} is the row event of one of its watermarks. */
    public Optional<String> see(Event event) {
        switch (event.getHeader().getEventType()) {
            case TABLE_MAP -> {
                TableMapEventData t = event.getData();
                if (table.namespace().equals(t.getDatabase()) && table.name().equals(t.getTable())) {
                    tableIds.add(t.getTableId());
                } else {
                    tableIds.remove(t.getTableId());
                }
                return Optional.empty();
            }
            case WRITE_ROWS, EXT_WRITE_ROWS -> {
                WriteRowsEventData d = event.getData();
                return tableIds.contains(d.getTableId()) ? mark(d.getRows()) : Optional.empty();
            }
            case UPDATE_ROWS, EXT_UPDATE_ROWS -> {
                UpdateRowsEventData d = event.getData();
                return tableIds.contains(d.getTableId())
                        ? mark(d.getRows().stream().map(Map.Entry::getValue).toList()) : Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    private Optional<String> mark(List<Serializable[]> rows) {
        for (Serializable[] r : rows) {
            if (r.length >= 2 && r[0] instanceof Number id && id.longValue() == serverId) {
                Object m = r[1];
                return Optional.of(m instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(m));
            }
        }
        return Optional.empty();
    }
}
