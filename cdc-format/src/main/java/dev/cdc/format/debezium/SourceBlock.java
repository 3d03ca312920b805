package dev.cdc.format.debezium;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Debezium's {@code source} block of the PostgreSQL and MySQL connectors, from an event's table,
 * commit time, transaction id and position offsets (see each source's page for the offsets:
 * PostgreSQL {@code db}, {@code change_lsn}, {@code prev_end_lsn}; MySQL {@code server_id},
 * {@code event_pos}, {@code event_row}), and its Connect schema. Stateless.
 */
final class SourceBlock {

    private SourceBlock() {
    }

    /**
     * Writes the block.
     *
     * @param snapshot     Debezium's {@code snapshot} value: {@code false}, or the snapshot record mark
     * @param emptyTable   write {@code schema} and {@code table} empty (PostgreSQL logical messages)
     */
    static void write(JsonGenerator g, StreamEvent e, Optional<String> txId, Flavour f, DebeziumSettings s,
                      String snapshot, boolean emptyTable) throws IOException {
        Map<String, String> o = e.position().offsets();
        Instant ts = e.commitTime();
        g.writeStartObject();
        g.writeStringField("version", DebeziumSettings.DEBEZIUM_VERSION);
        g.writeStringField("connector", f.connector());
        g.writeStringField("name", s.topicPrefix());
        g.writeNumberField("ts_ms", ts.toEpochMilli());
        g.writeStringField("snapshot", snapshot);
        if (f == Flavour.MYSQL) {
            g.writeStringField("db", e.table().namespace());
            g.writeNullField("sequence");
            writeMicrosAndNanos(g, ts);
            g.writeStringField("table", e.table().name());
            boolean read = !snapshot.equals("false");
            g.writeNumberField("server_id", read ? 0 : parseLong(o.get("server_id"), 0));
            String gtid = o.get("gtid");
            // Debezium's MySQL connector reads MySQL GTIDs (uuid:n) only, not MariaDB's (domain-server-n)
            if (gtid != null && gtid.contains(":") && !read) {
                g.writeStringField("gtid", gtid);
            } else {
                g.writeNullField("gtid");
            }
            g.writeStringField("file", o.getOrDefault("file", ""));
            g.writeNumberField("pos", read ? parseLong(o.get("pos"), 0) : parseLong(o.getOrDefault("event_pos",
                    o.get("pos")), 0));
            g.writeNumberField("row", read ? 0 : (int) parseLong(o.get("event_row"), 0));
            g.writeNullField("thread");
            g.writeNullField("query");
        } else {
            g.writeStringField("db", o.getOrDefault("db", ""));
            g.writeStringField("sequence", sequence(o, !snapshot.equals("false")));
            writeMicrosAndNanos(g, ts);
            g.writeStringField("schema", emptyTable ? "" : e.table().namespace());
            g.writeStringField("table", emptyTable ? "" : e.table().name());
            g.writeFieldName("txId");
            if (txId.isPresent() && isLong(txId.get())) {
                g.writeNumber(Long.parseLong(txId.get()));
            } else {
                g.writeNull();
            }
            g.writeFieldName("lsn");
            String lsn = o.getOrDefault("change_lsn", o.get("lsn"));
            if (lsn != null && lsn.indexOf('/') > 0) {
                g.writeNumber(parseLsn(lsn));
            } else {
                g.writeNull();
            }
            g.writeNullField("xmin");
        }
        g.writeEndObject();
    }

    private static void writeMicrosAndNanos(JsonGenerator g, Instant ts) throws IOException {
        g.writeNumberField("ts_us", ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1000);
        g.writeNumberField("ts_ns", ts.getEpochSecond() * 1_000_000_000L + ts.getNano());
    }

    /**
     * PostgreSQL's {@code sequence}: {@code ["<last commit LSN>","<LSN>"]} as decimal numbers, the first
     * the end of the transaction before (null when not known: the first one after a start, and
     * snapshot reads).
     */
    private static String sequence(Map<String, String> o, boolean read) {
        String lsn = o.getOrDefault("change_lsn", o.get("lsn"));
        String prev = read ? null : o.get("prev_end_lsn");
        return "[" + quotedLsn(prev) + "," + quotedLsn(lsn) + "]";
    }

    private static String quotedLsn(String lsn) {
        return lsn == null || lsn.indexOf('/') < 0 ? "null" : "\"" + parseLsn(lsn) + "\"";
    }

    /** {@code X/X} to its 64-bit value. */
    static long parseLsn(String text) {
        int slash = text.indexOf('/');
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    private static long parseLong(String s, long fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static boolean isLong(String s) {
        try {
            Long.parseLong(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Debezium's snapshot mark of a read: the position's own mark when it has one, else {@code true}. */
    static String snapshotMark(Position p) {
        String mark = p.offsets().get("snapshot");
        return mark == null || mark.isEmpty() ? "true" : mark;
    }

    /** The Connect schema of the block. */
    static ConnectSchema schema(Flavour f) {
        ConnectSchema s = ConnectSchema.of("struct")
                .field("version", ConnectSchema.of("string")).field("connector", ConnectSchema.of("string"))
                .field("name", ConnectSchema.of("string")).field("ts_ms", ConnectSchema.of("int64"))
                .field("snapshot", ConnectSchema.named("string", "io.debezium.data.Enum").optional(true)
                        .parameter("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,"
                                + "incremental").defaultValue("false"))
                .field("db", ConnectSchema.of("string"))
                .field("sequence", ConnectSchema.of("string").optional(true))
                .field("ts_us", ConnectSchema.of("int64").optional(true))
                .field("ts_ns", ConnectSchema.of("int64").optional(true));
        if (f == Flavour.MYSQL) {
            return s.field("table", ConnectSchema.of("string").optional(true))
                    .field("server_id", ConnectSchema.of("int64"))
                    .field("gtid", ConnectSchema.of("string").optional(true))
                    .field("file", ConnectSchema.of("string")).field("pos", ConnectSchema.of("int64"))
                    .field("row", ConnectSchema.of("int32"))
                    .field("thread", ConnectSchema.of("int64").optional(true))
                    .field("query", ConnectSchema.of("string").optional(true))
                    .name("io.debezium.connector.mysql.Source");
        }
        return s.field("schema", ConnectSchema.of("string")).field("table", ConnectSchema.of("string"))
                .field("txId", ConnectSchema.of("int64").optional(true))
                .field("lsn", ConnectSchema.of("int64").optional(true))
                .field("xmin", ConnectSchema.of("int64").optional(true))
                .name("io.debezium.connector.postgresql.Source");
    }
}
