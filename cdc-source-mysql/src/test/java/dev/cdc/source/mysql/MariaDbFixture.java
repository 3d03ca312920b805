package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Shared set-up of the integration tests: a unique target, a driver connection, runners closed after each test. */
abstract class MariaDbFixture {

    protected TestTarget target;
    protected MariaDbDriver db;
    private final List<SourceRunner> runners = new ArrayList<>();
    private final List<TableId> tables = new ArrayList<>();

    @BeforeEach
    void setUpFixture() throws Exception {
        Services.requireReachable(Service.MARIADB);
        target = TestTarget.create();
        db = new MariaDbDriver();
    }

    @AfterEach
    void tearDownFixture() throws Exception {
        for (SourceRunner r : runners) {
            r.close();
        }
        runners.clear();
        try (MariaDbDriver d = new MariaDbDriver()) {
            for (TableId t : tables) {
                d.dropTable(t);
            }
        }
        db.close();
        target.deleteDirectory();
    }

    protected TableId table(String suffix, String columns) throws Exception {
        TableId t = TableId.of("test", target.name(suffix));
        tables.add(t);
        db.execute("DROP TABLE IF EXISTS " + MariaDbDriver.q(t));
        db.execute("CREATE TABLE " + MariaDbDriver.q(t) + " (" + columns + ")");
        return t;
    }

    protected Map<String, Object> options() {
        return TestOptions.of(target.name() + "_.*");
    }

    protected SourceRunner start(Map<String, Object> options, Optional<Position> resume) throws Exception {
        MySqlSourceFactory f = new MySqlSourceFactory();
        var source = f.create(TestPluginContext.bind(f, options, target, "source"));
        SourceRunner r = SourceRunner.start(source, new RecordingSourceContext(TestPluginContext.PIPELINE, resume),
                Duration.ofSeconds(60), Duration.ofSeconds(10));
        runners.add(r);
        return r;
    }

    protected static List<ChangeEvent> changes(SourceRunner r, TableId t) {
        return r.context().changeEvents().stream().filter(e -> e.table().equals(t)).toList();
    }

    /** Applies events to a key → row map, as a sink that writes by key would. */
    protected static Map<Object, Row> apply(Map<Object, Row> state, List<ChangeEvent> events) {
        for (ChangeEvent e : events) {
            Object key = e.key().get("id");
            switch (e.operation()) {
                case DELETE -> state.remove(key);
                case TRUNCATE -> state.clear();
                default -> state.put(key, e.after().orElseThrow());
            }
        }
        return state;
    }

    protected static Map<Object, Row> newState() {
        return new LinkedHashMap<>();
    }
}
