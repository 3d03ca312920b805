package dev.cdc.jdbc.snapshot;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.SnapshotProgress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coordinator against an embedded H2: parallel tables, positions, resuming from a checkpoint, a failing worker. */
class ParallelSnapshotTest {

    private static final String URL = "jdbc:h2:mem:parallel;DB_CLOSE_DELAY=-1";
    private Connection keep;

    @BeforeEach
    void createTables() throws Exception {
        keep = DriverManager.getConnection(URL);
        try (Statement st = keep.createStatement()) {
            for (String t : List.of("P", "Q", "R")) {
                st.execute("DROP TABLE IF EXISTS " + t);
                st.execute("CREATE TABLE " + t + " (A BIGINT, B VARCHAR(10), V VARCHAR(10), PRIMARY KEY (A, B))");
                st.execute("INSERT INTO " + t + " SELECT X, 'k', '" + t + "' || X FROM SYSTEM_RANGE(1, 25)");
            }
        }
    }

    @AfterEach
    void close() throws Exception {
        keep.close();
    }

    private final List<StreamEvent> emitted = new CopyOnWriteArrayList<>();
    private final List<SnapshotProgress> progress = new CopyOnWriteArrayList<>();

    private ParallelSnapshot snapshot(long firstSeq, ParallelSnapshot.Workers workers) {
        return new ParallelSnapshot(new ParallelSnapshot.Settings("test-snapshot", 2, 7, 4, firstSeq, Instant.EPOCH),
                workers, ParallelSnapshotTest::position, emitted::addAll, progress::add, () -> false);
    }

    private static Position position(SnapshotState state) {
        Map<String, String> offsets = new HashMap<>();
        offsets.put("seq", Long.toString(state.seq()));
        state.writeTo(offsets);
        return Position.of(offsets, Position.sortKeyOf(state.seq()));
    }

    private static ParallelSnapshot.Workers h2() {
        return new ParallelSnapshot.Workers() {
            @Override
            public Connection open(int worker) throws SQLException {
                return DriverManager.getConnection(URL);
            }

            @Override
            public void release(int worker, Connection connection) {
                try {
                    connection.close();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private static List<ParallelSnapshot.Table> tables(String[]... after) {
        List<ParallelSnapshot.Table> out = new ArrayList<>();
        String[] names = {"P", "Q", "R"};
        for (int i = 0; i < 3; i++) {
            out.add(new ParallelSnapshot.Table(i, H2Tables.schema(names[i]),
                    H2Tables.table(names[i], List.of("A", "B"), KeysetTable.Syntax.LIMIT), OptionalLong.of(25),
                    after.length > i ? after[i] : null, after.length > i && after[i] != null));
        }
        return out;
    }

    @Test
    void everyRowOnceAfterItsTablesSchemaWithIncreasingPositions() throws Exception {
        assertThat(snapshot(0, h2()).read(tables(), null)).isTrue();

        assertThat(emitted.stream().filter(ChangeEvent.class::isInstance)).hasSize(75);
        for (String t : List.of("P", "Q", "R")) {
            List<StreamEvent> of = emitted.stream().filter(e -> e.table().name().equals(t)).toList();
            assertThat(of.get(0)).isInstanceOf(SchemaChangeEvent.class);
            assertThat(of.subList(1, of.size())).hasSize(25).allMatch(e -> e instanceof ChangeEvent c
                    && ((String) c.after().orElseThrow().get("V")).startsWith(t));
        }
        for (int i = 1; i < emitted.size(); i++) {
            assertThat(emitted.get(i).position().sortKey()).isGreaterThan(emitted.get(i - 1).position().sortKey());
        }
        assertThat(progress).filteredOn(SnapshotProgress::finished).hasSize(3).allMatch(p -> p.rowsRead() == 25);
    }

    @Test
    void aCheckpointInsideTheSnapshotIsAPlaceToResumeFrom() throws Exception {
        snapshot(0, h2()).read(tables(), null);
        List<StreamEvent> first = List.copyOf(emitted);
        StreamEvent checkpoint = first.stream().filter(e -> e instanceof ChangeEvent c && c.table().name().equals("Q")
                && c.after().orElseThrow().get("A").equals(9L)).findFirst().orElseThrow();
        SnapshotState state = SnapshotState.from(Long.parseLong(checkpoint.position().offset("seq")),
                checkpoint.position().offsets());
        List<ParallelSnapshot.Table> rest = new ArrayList<>();
        for (ParallelSnapshot.Table t : tables()) {
            if (!state.finished(t.index())) {
                TableProgress p = state.inProgress().get(t.index());
                rest.add(new ParallelSnapshot.Table(t.index(), t.schema(), t.reading(), t.estimate(),
                        p == null ? null : p.keys(), p != null));
            }
        }
        emitted.clear();
        snapshot(state.seq() + 1, h2()).read(rest, state);

        List<String> expected = first.subList(first.indexOf(checkpoint) + 1, first.size()).stream()
                .filter(ChangeEvent.class::isInstance).map(ParallelSnapshotTest::value)
                .sorted().toList();
        List<String> again = emitted.stream().filter(ChangeEvent.class::isInstance)
                .map(ParallelSnapshotTest::value).sorted().toList();
        assertThat(again).as("exactly the rows after the checkpoint, none before it").isEqualTo(expected)
                .isNotEmpty().hasSizeLessThan(75);
        assertThat(emitted.get(0).position().sortKey()).isGreaterThan(checkpoint.position().sortKey());
    }

    /**
     * The table in progress at the checkpoint announces its schema, as the source reads it now
     * (here with a column added since the checkpoint), before its first resumed row.
     */
    @Test
    void aResumedTableAnnouncesItsSchemaBeforeItsRows() throws Exception {
        snapshot(0, h2()).read(tables(), null);
        StreamEvent checkpoint = emitted.stream().filter(e -> e instanceof ChangeEvent c && c.table().name().equals("Q")
                && c.after().orElseThrow().get("A").equals(9L)).findFirst().orElseThrow();
        SnapshotState state = SnapshotState.from(Long.parseLong(checkpoint.position().offset("seq")),
                checkpoint.position().offsets());
        TableSchema now = new TableSchema(TableId.of("PUBLIC", "Q"), List.of(Column.notNull("A", DataType.int64()),
                Column.notNull("B", DataType.string()), Column.of("V", DataType.string()),
                Column.of("W", DataType.int32())), List.of("A", "B"));
        List<ParallelSnapshot.Table> rest = new ArrayList<>();
        for (ParallelSnapshot.Table t : tables()) {
            if (!state.finished(t.index())) {
                TableProgress p = state.inProgress().get(t.index());
                rest.add(new ParallelSnapshot.Table(t.index(), t.index() == 1 ? now : t.schema(), t.reading(),
                        t.estimate(), p == null ? null : p.keys(), p != null));
            }
        }
        assertThat(state.inProgress()).containsKey(1);
        emitted.clear();
        snapshot(state.seq() + 1, h2()).read(rest, state);

        for (int i = 0; i < rest.size(); i++) {
            String name = rest.get(i).id().name();
            List<StreamEvent> of = emitted.stream().filter(e -> e.table().name().equals(name)).toList();
            assertThat(of.get(0)).as(name + ": its schema before its rows").isInstanceOf(SchemaChangeEvent.class);
            assertThat(of.subList(1, of.size())).as(name).isNotEmpty().allMatch(ChangeEvent.class::isInstance);
        }
        SchemaChangeEvent announced = (SchemaChangeEvent) emitted.stream().filter(e -> e.table().name().equals("Q"))
                .findFirst().orElseThrow();
        assertThat(announced.after().orElseThrow().columnNames()).containsExactly("A", "B", "V", "W");
        assertThat(SnapshotState.from(Long.parseLong(announced.position().offset("seq")),
                announced.position().offsets()).inProgress().get(1).keys()).as("resuming at the announcement")
                .isEqualTo(state.inProgress().get(1).keys());
        assertThat(emitted.stream().filter(e -> e instanceof ChangeEvent && e.table().name().equals("Q")))
                .hasSize(25 - 9);
    }

    private static String value(StreamEvent e) {
        return (String) ((ChangeEvent) e).after().orElseThrow().get("V");
    }

    @Test
    void aFailingWorkerFailsTheSnapshot() {
        ParallelSnapshot.Workers broken = worker -> {
            throw new SQLException("no connection for worker " + worker);
        };
        assertThatThrownBy(() -> snapshot(0, broken).read(tables(), null)).isInstanceOf(SQLException.class)
                .hasMessageContaining("no connection for worker");
    }
}
