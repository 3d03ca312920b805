package dev.cdc.source.jdbc.backfill;

import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.backfill.BackfillRunner;
import dev.cdc.source.jdbc.JdbcSourceConfig;
import dev.cdc.source.jdbc.catalog.Catalog;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.JdbcTypes;
import dev.cdc.source.jdbc.snapshot.JdbcKeyset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The database side of backfills for {@code jdbc-trigger} and {@code jdbc-query}
 * ({@link BackfillRunner.Database}): a request's table must be one the source captures; it is read
 * as the catalog describes it (read again at most once a second), with the snapshot's decoding
 * ({@link JdbcKeyset}), on a
 * connection of its own (autocommit: each chunk statement sees what was committed when it
 * started). Watermarks go where the source says ({@link Marks}). Source thread only.
 */
public final class JdbcBackfillDatabase implements BackfillRunner.Database, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcBackfillDatabase.class);

    /** Writes a watermark through the source's log; {@code events}: the chunk events a high watermark reserves, or null. */
    @FunctionalInterface
    public interface Marks {
        void write(String text, Integer events) throws SQLException;
    }

    private final JdbcSourceConfig config;
    private final Supplier<Connection> catalog;
    private final Supplier<List<JdbcTable>> captured;
    private final Marks marks;
    /** The catalog is read again at most this often per table (chunks follow each other in tens of ms). */
    private static final long REREAD_NANOS = 1_000_000_000L;

    private record Read(long at, JdbcTable shape, BackfillRunner.BackfillTable table) {
    }

    private final Map<TableId, Read> reads = new HashMap<>();
    private Connection read;

    /**
     * @param catalog  the source's connection, for the catalog
     * @param captured the tables the source captures now
     */
    public JdbcBackfillDatabase(JdbcSourceConfig config, Supplier<Connection> catalog,
                                Supplier<List<JdbcTable>> captured, Marks marks) {
        this.config = config;
        this.catalog = catalog;
        this.captured = captured;
        this.marks = marks;
    }

    @Override
    public Optional<BackfillRunner.BackfillTable> table(TableId id) throws SQLException {
        Optional<JdbcTable> c = captured.get().stream().filter(t -> t.id().equals(id)).findFirst()
                .or(() -> captured.get().stream().filter(t -> t.id().namespace().equalsIgnoreCase(id.namespace())
                        && t.id().name().equalsIgnoreCase(id.name())).findFirst());
        if (c.isEmpty()) {
            return Optional.empty();
        }
        Read last = reads.get(id);
        long now = System.nanoTime();
        if (last == null || now - last.at() > REREAD_NANOS) {
            Catalog cat = new Catalog(catalog.get(), config.dialect());
            Optional<JdbcTable> t = cat.read(c.get().id());
            if (t.isEmpty()) {
                reads.remove(id);
                return Optional.empty();
            }
            JdbcTable table = t.get();
            last = new Read(now, table, new BackfillRunner.BackfillTable(JdbcKeyset.of(table, config.dialect()),
                    table.primaryKey(), key -> key(table, key), cat.estimate(table.id())));
            reads.put(id, last);
        }
        return Optional.of(last.table());
    }

    /** The table as the last chunk of {@code id} read it (its columns then). */
    public Optional<JdbcTable> shape(TableId id) {
        return Optional.ofNullable(reads.get(id)).map(Read::shape);
    }

    /** A key row from its values as text (key column order; binary ones as {@code x:<hex>}). */
    public static Row key(JdbcTable t, List<String> texts) {
        Row.Builder key = Row.builder();
        for (int i = 0; i < texts.size(); i++) {
            String name = t.primaryKey().get(i);
            JdbcColumn column = t.column(name).orElseThrow();
            String text = texts.get(i);
            key.put(name, text != null && text.startsWith("x:") && JdbcTypes.isBinary(column.type())
                    ? HexFormat.of().parseHex(text.substring(2)) : JdbcTypes.parse(text, column.type()));
        }
        return key.build();
    }

    @Override
    public void watermark(String text) throws SQLException {
        marks.write(text, null);
    }

    @Override
    public void highWatermark(String text, int events) throws SQLException {
        marks.write(text, events);
    }

    @Override
    public Connection readConnection() throws SQLException {
        if (read == null || !read.isValid(2)) {
            close();
            read = config.connect();
            read.setAutoCommit(true);
        }
        return read;
    }

    @Override
    public void close() {
        if (read != null) {
            try {
                read.close();
            } catch (SQLException e) {
                LOG.debug("closing the backfill connection: {}", e.getMessage());
            }
            read = null;
        }
    }
}
