package dev.cdc.source.mysql.backfill;

import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.event.QueryEventData;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.source.mysql.MySqlSourceConfig;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.source.mysql.schema.DdlStatements;
import dev.cdc.source.mysql.schema.SchemaReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Tables that start being captured while their rows never went through the binlog under the
 * captured name, each backfilled (a request the source makes itself):
 * <ul>
 *   <li>the {@code database} / {@code tables} filter changed between runs: the tables on the server
 *       that the new filter captures and the filter of the last run did not. The filter is kept in
 *       {@code capture-filter.txt} in the state directory, replaced only after the requests were
 *       made; the requests' ids derive from the position the run starts streaming from, so a crash
 *       before the file was replaced asks again for the same ids (the engine ignores a known id);</li>
 *   <li>{@code RENAME TABLE x TO t} / {@code ALTER TABLE x RENAME TO t}, {@code x} not captured and
 *       {@code t} captured: requested when the reader meets the statement, before any event after
 *       it is emitted, the id derived from the statement's binlog position (a replay asks again for
 *       the same).</li>
 * </ul>
 * {@code CREATE TABLE ... SELECT} needs none: in ROW format the server logs the copied rows as row
 * events of the new table, after its CREATE, in the same transaction. {@code CREATE TABLE ... LIKE}
 * creates an empty table. Source thread only.
 */
public final class NewlyCaptured {

    private static final Logger LOG = LoggerFactory.getLogger(NewlyCaptured.class);
    static final String FILE = "capture-filter.txt";
    private static final Pattern RENAME = Pattern.compile("rename", Pattern.CASE_INSENSITIVE);

    private final MySqlSourceConfig config;
    private final SourceContext context;

    public NewlyCaptured(MySqlSourceConfig config, SourceContext context) {
        this.config = config;
        this.context = context;
    }

    /**
     * The run streams from {@code start}: after a resumed stream ({@code resumed}), backfills the
     * tables the filter captures now and the last run's did not; then records the filter. A first
     * run, a snapshot or a heal (which read every captured table) only records it.
     */
    public void atStart(Connection c, BinlogPosition start, boolean resumed) throws SQLException {
        Optional<Path> file = config.stateDirectory().map(d -> d.resolve(FILE));
        if (file.isEmpty()) {
            return;
        }
        Optional<List<String>> last = read(file.get());
        List<String> now = List.of(config.database(), config.tables().pattern());
        if (last.equals(Optional.of(now))) {
            return;
        }
        if (resumed && last.isPresent()) {
            String oldDatabase = last.get().get(0);
            Pattern oldTables = Pattern.compile(last.get().size() > 1 ? last.get().get(1) : "(?!)");
            List<TableId> added = new ArrayList<>();
            for (String name : SchemaReader.tableNames(c, config.database())) {
                boolean before = oldDatabase.equals(config.database()) && oldTables.matcher(name).matches();
                if (config.captures(config.database(), name) && !before) {
                    TableId t = TableId.of(config.database(), name);
                    context.requestBackfill(BackfillRequest.table(id(start, t), t));
                    added.add(t);
                }
            }
            LOG.info("the captured tables changed since the last run (database {} tables {} -> database {} tables {}):"
                    + " backfilling the {} table(s) captured now and not then: {}", oldDatabase, oldTables,
                    config.database(), config.tables(), added.size(), added);
        }
        write(file.get(), String.join("\n", now));
    }

    /**
     * A binlog event the reader handled (before what it gave is emitted): a statement renaming an
     * uncaptured table to a captured name is backfilled.
     *
     * @param tx the reader's transaction: the statement's own for a DDL
     */
    public void handled(Event event, BinlogPosition tx) {
        EventHeaderV4 h = event.getHeader();
        if (h.getEventType() != EventType.QUERY || tx == null) {
            return;
        }
        QueryEventData q = event.getData();
        if (!RENAME.matcher(q.getSql()).find()) {
            return; // BEGIN, other DDL: not parsed on the event path
        }
        String db = q.getDatabase() == null ? "" : q.getDatabase();
        for (DdlStatements.Affected a : DdlStatements.parse(q.getSql(), db)) {
            if (a.kind() == DdlStatements.Kind.RENAME && a.renamedFrom().isPresent()
                    && config.captures(a.table().namespace(), a.table().name())
                    && !config.captures(a.renamedFrom().get().namespace(), a.renamedFrom().get().name())) {
                BinlogPosition at = BinlogPosition.of(tx.file(), h.getPosition());
                context.requestBackfill(BackfillRequest.table(id(at, a.table()), a.table()));
                LOG.info("{} was renamed to {} at {}, which is captured: backfilling it", a.renamedFrom().get(),
                        a.table(), at);
            }
        }
    }

    /** {@code capture-<file>-<offset>-<database>.<table>}, within the engine's rule for ids. */
    static String id(BinlogPosition at, TableId table) {
        return PositionHeal.id("capture", at, table);
    }

    private static Optional<List<String>> read(Path f) {
        try {
            return Files.isRegularFile(f) ? Optional.of(Files.readAllLines(f, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + f, e);
        }
    }

    private static void write(Path f, String text) {
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, text + "\n", StandardCharsets.UTF_8);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + f, e);
        }
    }
}
