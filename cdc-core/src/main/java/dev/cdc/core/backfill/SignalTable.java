package dev.cdc.core.backfill;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.Optional;

/**
 * The pipeline's signal table ({@code engine.signal-table}), like Debezium's signalling table: a
 * captured table with columns {@code id}, {@code type} and {@code data}. An INSERT seen in the
 * stream with type {@code backfill} and data
 * {@code {"table": "schema.name", "where": "SQL"?, "keys": [[...]]?, "sinks": ["es"]?}} becomes a
 * backfill request with id {@code signal-<id>} (so a replayed insert is not run twice). None of the
 * table's events reach a sink. Works with any source that captures the table. Stateless, thread-safe.
 */
public final class SignalTable {

    private static final Logger LOG = LoggerFactory.getLogger(SignalTable.class);

    private final TableId table;

    public SignalTable(TableId table) {
        this.table = table;
    }

    public TableId table() {
        return table;
    }

    /** True for every event of the signal table (rows and schema changes): they are not delivered. */
    public boolean owns(StreamEvent e) {
        return e.table().equals(table);
    }

    /**
     * The backfill an event of the signal table asks for: an INSERT of type {@code backfill}.
     * Other types are logged and ignored; a bad {@code data} is logged and ignored.
     */
    public Optional<BackfillRequest> request(ChangeEvent e) {
        if (e.operation() != Operation.CREATE || e.after().isEmpty()) {
            return Optional.empty();
        }
        Row row = e.after().get();
        String id = String.valueOf(row.find("id").orElse(""));
        String type = String.valueOf(row.find("type").orElse("")).trim().toLowerCase(Locale.ROOT);
        if (!type.equals("backfill")) {
            LOG.warn("signal table {}: signal '{}' has type '{}'; the only type is 'backfill', so it is ignored",
                    table, id, type);
            return Optional.empty();
        }
        try {
            String data = String.valueOf(row.find("data").orElse(""));
            String requestId = ("signal-" + id).replaceAll("[^A-Za-z0-9._-]", "_");
            BackfillRequest r = BackfillJson.request(data, requestId);
            return Optional.of(new BackfillRequest(requestId, r.table(), r.where(), r.keys(), r.sinks(),
                    Optional.empty()));
        } catch (IllegalArgumentException ex) {
            LOG.warn("signal table {}: signal '{}' of type backfill is ignored: its data {}", table, id,
                    ex.getMessage());
            return Optional.empty();
        }
    }
}
