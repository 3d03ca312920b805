package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Columns added and dropped while a writer keeps changing the table.
 * <ul>
 *   <li>{@code ADD COLUMN}, and a statement setting the new column on every row right after it
 *   (on MariaDB, before the source can have replaced the triggers, which still list the old
 *   columns): the sink's final state equals the table, the new column's values included, and the
 *   new shape is announced before them.</li>
 *   <li>{@code DROP COLUMN} through the source's setup ({@code cdc setup FILE --alter SQL}): on
 *   MariaDB a plain DROP of a column the triggers list makes every write to the table fail until
 *   the triggers are replaced; run with the setup, the writer never fails and nothing is lost.</li>
 * </ul>
 */
class AlterUnderWritesIT {

    private static final int ROWS = 300;
    private final ReadWriteLock pause = new ReentrantReadWriteLock();

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aColumnAddedUnderConcurrentWritesLosesNoValue(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("addcol", false);
            db.execute("INSERT INTO " + db.q(t) + " SELECT " + db.q("id") + ", " + db.q("name") + ", 1.00 FROM ("
                    + numbers(db) + ") n");
            SourceRunner r = f.start(new JdbcTriggerSourceFactory(), f.triggerOptions(t));
            r.context().awaitChanges(e -> e.table().equals(t), ROWS, Duration.ofSeconds(30));
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicBoolean added = new AtomicBoolean(false);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Thread writer = new Thread(() -> write(db, t, writing, added, failures), "writer");
            writer.start();
            Thread.sleep(300);
            // H2 copies the table for an ALTER TABLE and does not protect concurrent writers: they fail with
            // 'Table not found', or an insert committed during the copy is missing from the table afterwards
            // (its change-log row is there). So on H2 the writer pauses for the ALTER itself.
            Lock alter = db == TestDb.H2 ? pause.writeLock() : new ReentrantLock();
            alter.lock();
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + db.q(t) + " ADD COLUMN " + db.q("note") + " VARCHAR(40)");
                added.set(true);
            } finally {
                alter.unlock();
            }
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("UPDATE " + db.q(t) + " SET " + db.q("note") + " = CONCAT('set-at-alter-', " + db.q("id") + ")");
            }
            Thread.sleep(1_500);
            writing.set(false);
            writer.join();
            assertThat(failures).isEmpty();

            Map<Long, String> expected = table(db, t, true);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!sink(r, t).equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Map<Long, String> got = sink(r, t);
            Map<Long, String> differ = new TreeMap<>(expected);
            differ.entrySet().removeIf(e -> e.getValue().equals(got.get(e.getKey())));
            got.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> differ.put(k, "(not in the table)"));
            assertThat(differ).as("rows whose sink state differs from the table; their events: %s",
                    SourceFixture.changes(r, t).stream().filter(e -> differ.containsKey(((Number) e.key().get("id"))
                            .longValue())).limit(20).toList()).isEmpty();

            List<StreamEvent> all = r.context().events().stream().filter(e -> e.table().equals(t)).toList();
            int firstNote = indexOf(all, e -> e instanceof ChangeEvent c && c.after().isPresent()
                    && c.after().get().has("note"));
            assertThat(all.subList(0, firstNote)).as("the new shape is announced before the first row with it")
                    .filteredOn(SchemaChangeEvent.class::isInstance).last()
                    .satisfies(e -> assertThat(((SchemaChangeEvent) e).after().orElseThrow().columnNames())
                            .contains("note"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestDb.class, names = {"POSTGRES", "MARIADB"}) // H2's ALTER TABLE is unsafe under writers (above)
    void aColumnDroppedThroughTheSetupUnderConcurrentWritesBreaksNoWrite(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("dropcol", false);
            db.execute("ALTER TABLE " + db.q(t) + " ADD COLUMN " + db.q("note") + " VARCHAR(40)",
                    "INSERT INTO " + db.q(t) + " SELECT " + db.q("id") + ", " + db.q("name") + ", 1.00, 'old' FROM ("
                            + numbers(db) + ") n");
            SourceRunner r = f.start(new JdbcTriggerSourceFactory(), f.triggerOptions(t));
            r.context().awaitChanges(e -> e.table().equals(t), ROWS, Duration.ofSeconds(30));
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Thread writer = new Thread(() -> write(db, t, writing, new AtomicBoolean(false), failures), "writer");
            writer.start();
            Thread.sleep(300);
            SourceSetup setup = (SourceSetup) f.create(new JdbcTriggerSourceFactory(), f.triggerOptions(t));
            setup.alter("ALTER TABLE " + db.q(t) + " DROP COLUMN " + db.q("note"));
            Thread.sleep(1_000);
            writing.set(false);
            writer.join();
            assertThat(failures).as("writes failed around the DROP COLUMN").isEmpty();

            Map<Long, String> expected = new TreeMap<>();
            table(db, t, false).forEach((id, v) -> expected.put(id, v.substring(0, v.indexOf('|'))));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!names(r, t).equals(expected) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(names(r, t)).isEqualTo(expected);
            List<StreamEvent> all = r.context().events().stream().filter(e -> e.table().equals(t)).toList();
            int firstWithout = indexOf(all, e -> e instanceof ChangeEvent c && c.operation() != Operation.READ
                    && c.after().isPresent() && !c.after().get().has("note"));
            assertThat(all.subList(0, firstWithout)).as("the shape without the column is announced before its rows")
                    .filteredOn(SchemaChangeEvent.class::isInstance).last()
                    .satisfies(e -> assertThat(((SchemaChangeEvent) e).after().orElseThrow().columnNames())
                            .doesNotContain("note"));
        }
    }

    /**
     * A column added while the pipeline is down, and a row written before the source is back (by
     * MariaDB's old triggers, so its image lacks the column): the restarted source replaces the
     * triggers at open and fills the row's value; rows after have it from the new triggers.
     */
    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aColumnAddedWhileThePipelineIsDownLosesNoValue(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("down", false);
            Map<String, Object> options = f.triggerOptions(t);
            options.put("snapshot-mode", "never");
            SourceRunner first = f.start(new JdbcTriggerSourceFactory(), options);
            new JdbcDriver(db, false).insert(t, 1, "before", BigDecimal.ONE);
            List<ChangeEvent> seen = first.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
            first.close();
            db.execute("ALTER TABLE " + db.q(t) + " ADD COLUMN " + db.q("note") + " VARCHAR(40)",
                    "INSERT INTO " + db.q(t) + " VALUES (2, 'while down', 2.00, 'written by the old triggers')");
            SourceRunner second = SourceRunner.start(f.create(new JdbcTriggerSourceFactory(), options),
                    RecordingSourceContext.resumingAfter(seen.get(0).position()), Duration.ofSeconds(30));
            try {
                second.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
                db.execute("INSERT INTO " + db.q(t) + " VALUES (3, 'after', 3.00, 'written by the new triggers')");
                List<ChangeEvent> got = second.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));
                assertThat(got).extracting(e -> e.after().orElseThrow().get("note"))
                        .containsExactly("written by the old triggers", "written by the new triggers");
                if (db == TestDb.MARIADB) {
                    assertThat(db.count("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_TABLE = '"
                            + t.name() + "' AND ACTION_STATEMENT LIKE '%NEW.`note`%'")).as("triggers replaced at open")
                            .isEqualTo(2);
                }
            } finally {
                second.close();
            }
        }
    }

    /** id -> name after applying the events in order. */
    private static Map<Long, String> names(SourceRunner r, TableId t) {
        Map<Long, String> out = new TreeMap<>();
        sink(r, t).forEach((id, v) -> out.put(id, v.substring(0, v.indexOf('|'))));
        return out;
    }

    private static String numbers(TestDb db) {
        return switch (db) {
            case POSTGRES -> "SELECT g AS " + db.q("id") + ", 'r' || g AS " + db.q("name") + " FROM generate_series(1, "
                    + ROWS + ") g";
            case MARIADB -> "SELECT seq AS id, CONCAT('r', seq) AS name FROM seq_1_to_" + ROWS;
            case H2 -> "SELECT X AS \"id\", CONCAT('r', X) AS \"name\" FROM SYSTEM_RANGE(1, " + ROWS + ")";
        };
    }

    /** Updates (the new column too, once it exists), inserts and deletes, each committed at once. */
    private void write(TestDb db, TableId t, AtomicBoolean writing, AtomicBoolean added, List<Throwable> failures) {
        try (Connection c = db.connect()) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            long next = ROWS + 1;
            while (writing.get()) {
                pause.readLock().lock();
                try {
                    writeOnce(db, t, c, random, added.get(), next);
                } finally {
                    pause.readLock().unlock();
                }
                next++;
                Thread.sleep(random.nextInt(3, 8));
            }
        } catch (Throwable e) {
            failures.add(e);
        }
    }

    private static void writeOnce(TestDb db, TableId t, Connection c, ThreadLocalRandom random, boolean note, long next)
            throws Exception {
        long id = random.nextLong(1, next);
        try (PreparedStatement st = c.prepareStatement("UPDATE " + db.q(t) + " SET " + db.q("name") + " = ?"
                + (note ? ", " + db.q("note") + " = ?" : "") + " WHERE " + db.q("id") + " = ?")) {
            st.setString(1, "w" + random.nextInt(1_000_000));
            if (note) {
                st.setString(2, "n" + random.nextInt(1_000_000));
            }
            st.setLong(note ? 3 : 2, id);
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement("INSERT INTO " + db.q(t) + " (" + db.q("id") + ", "
                + db.q("name") + ") VALUES (?, 'new')")) {
            st.setLong(1, next);
            st.executeUpdate();
        }
        if (random.nextInt(10) == 0) {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM " + db.q(t) + " WHERE " + db.q("id")
                    + " = ?")) {
                st.setLong(1, random.nextLong(1, next));
                st.executeUpdate();
            }
        }
    }

    /** id -> "name|note" after applying the events in order ("null" for a column the row lacks). */
    private static Map<Long, String> sink(SourceRunner r, TableId t) {
        Map<Long, String> state = new TreeMap<>();
        for (ChangeEvent e : SourceFixture.changes(r, t)) {
            long id = ((Number) e.key().get("id")).longValue();
            if (e.operation() == Operation.DELETE) {
                state.remove(id);
            } else {
                var after = e.after().orElseThrow();
                state.put(id, after.get("name") + "|" + (after.has("note") ? after.get("note")
                        : null));
            }
        }
        return state;
    }

    /** id -> "name|note" of the table now ({@code note}: whether it has that column, else "null"). */
    private static Map<Long, String> table(TestDb db, TableId t, boolean note) throws Exception {
        Map<Long, String> state = new TreeMap<>();
        try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT "
                + db.q("id") + ", " + db.q("name") + ", " + (note ? db.q("note") : "NULL") + " FROM " + db.q(t))) {
            while (rs.next()) {
                state.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return state;
    }

    private static int indexOf(List<StreamEvent> events, Predicate<StreamEvent> which) {
        for (int i = 0; i < events.size(); i++) {
            if (which.test(events.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such event");
    }
}
