package dev.cdc.source.jdbc.trigger;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * One row of the change log.
 *
 * @param id     its id: the order the changes took their ids in
 * @param txid   the writing transaction, when the database tells it
 * @param table  {@code namespace.name}
 * @param op     {@code c}, {@code u} or {@code d}
 * @param ts     when the statement ran (not the commit)
 * @param before the old row as a JSON object (updates and deletes)
 * @param after  the new row as a JSON object (inserts and updates)
 */
public record ChangeRow(long id, String txid, String table, String op, Instant ts, String before, String after) {

    /** The select list the readers use, in this order. */
    static String columns(java.util.function.UnaryOperator<String> quote) {
        return String.join(", ", quote.apply("id"), quote.apply("txid"), quote.apply("tbl"), quote.apply("op"),
                quote.apply("ts"), quote.apply("before_row"), quote.apply("after_row"));
    }

    /** A row of the select list; {@code utcLocal}: {@code ts} is a local date-time in UTC (MariaDB). */
    static ChangeRow read(ResultSet rs, boolean utcLocal) throws SQLException {
        Instant ts;
        if (utcLocal) {
            LocalDateTime t = rs.getObject(5, LocalDateTime.class);
            ts = t == null ? Instant.EPOCH : t.toInstant(ZoneOffset.UTC);
        } else {
            OffsetDateTime t = rs.getObject(5, OffsetDateTime.class);
            ts = t == null ? Instant.EPOCH : t.toInstant();
        }
        return new ChangeRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), ts, rs.getString(6),
                rs.getString(7));
    }
}
