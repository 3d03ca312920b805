package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One test's tables, change log and running sources on one database; {@link #close} removes them all. */
final class SourceFixture implements AutoCloseable {

    final TestDb db;
    final TestTarget target = TestTarget.create();
    private final List<SourceRunner> runners = new ArrayList<>();
    private final List<TableId> tables = new ArrayList<>();

    SourceFixture(TestDb db) {
        this.db = db;
    }

    TableId table(String suffix, boolean polled) throws Exception {
        TableId t = TableId.of(db.namespace(), target.name() + "_" + suffix);
        new JdbcDriver(db, polled).createTable(t);
        tables.add(t);
        return t;
    }

    String changeLog() {
        return "cl_" + target.name();
    }

    Map<String, Object> triggerOptions(TableId table) {
        Map<String, Object> o = new HashMap<>(Map.of("url", db.url(), "user", db.user(), "password", db.password(),
                "tables", List.of(db.namespace() + "\\." + table.name()), "change-log", changeLog(),
                "poll-interval", "20ms", "gap-confirm", "200ms"));
        return o;
    }

    Map<String, Object> queryOptions(TableId table) {
        return new HashMap<>(Map.of("url", db.url(), "user", db.user(), "password", db.password(),
                "tables", List.of(db.namespace() + "\\." + table.name()), "timestamp-column", "updated_at",
                "created-column", "created_at", "soft-delete-column", "deleted", "safety-window", "1s",
                "poll-interval", "50ms"));
    }

    Source create(SourceFactory factory, Map<String, Object> options) {
        return factory.create(TestPluginContext.bind(factory, options, target, "source"));
    }

    SourceRunner start(SourceFactory factory, Map<String, Object> options) throws Exception {
        SourceRunner r = SourceRunner.start(create(factory, options), RecordingSourceContext.fresh(),
                Duration.ofSeconds(30));
        runners.add(r);
        return r;
    }

    static List<ChangeEvent> changes(SourceRunner r, TableId table) {
        return r.context().changeEvents().stream().filter(e -> e.table().equals(table)).toList();
    }

    @Override
    public void close() throws Exception {
        runners.forEach(SourceRunner::close);
        for (TableId t : tables) {
            db.execute("DROP TABLE IF EXISTS " + db.q(t));
        }
        db.dropChangeLog(changeLog());
        target.deleteDirectory();
    }
}
