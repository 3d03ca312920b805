package dev.cdc.source.jdbc;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.testkit.source.RecordingSourceContext;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** jdbc-trigger on each database: a column added mid-stream, removing the setup, and bad input. */
class TriggerSetupIT {

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void aColumnAddedMidStreamArrivesAsASchemaChangeAndItsValuesFollow(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("alter", false);
            SourceRunner r = f.start(new JdbcTriggerSourceFactory(), f.triggerOptions(t));
            JdbcDriver d = new JdbcDriver(db, false);
            d.insert(t, 1, "before", BigDecimal.ONE);
            r.context().awaitChanges(e -> e.table().equals(t), 1, Duration.ofSeconds(30));
            db.execute("ALTER TABLE " + db.q(t) + " ADD COLUMN " + db.q("note") + " VARCHAR(20)");
            if (db == TestDb.MARIADB) {
                Thread.sleep(3_000); // MariaDB's triggers list the columns: the source replaces them (every 2 s)
            }
            db.execute("INSERT INTO " + db.q(t) + " VALUES (2, 'after', 2.00, 'new')");
            ChangeEvent second = r.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30)).get(1);
            assertThat(second.after().orElseThrow().get("note")).isEqualTo("new");
            List<StreamEvent> all = r.context().events().stream().filter(e -> e.table().equals(t)).toList();
            int at = all.indexOf(second);
            assertThat(all.subList(0, at)).as("a schema change with the new column comes before the first new row")
                    .filteredOn(SchemaChangeEvent.class::isInstance).last()
                    .satisfies(e -> assertThat(((SchemaChangeEvent) e).after().orElseThrow().columnNames())
                            .contains("note"));
            d.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void dropLeavesNoTriggerOrTableBehind(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId t = f.table("drop", false);
            Source source = f.create(new JdbcTriggerSourceFactory(), f.triggerOptions(t));
            SourceSetup setup = (SourceSetup) source;
            assertThat(setup.setupStatements()).anyMatch(s -> s.contains("CREATE TRIGGER"));
            setup.setUp();
            assertThat(triggers(db, t)).isPositive();
            assertThat(tables(db, f.changeLog() + "%")).isPositive();
            setup.drop();
            assertThat(triggers(db, t)).as("triggers left on %s", t).isZero();
            assertThat(tables(db, f.changeLog() + "%")).as("change-log tables left").isZero();
            if (db == TestDb.POSTGRES) {
                assertThat(db.count("SELECT count(*) FROM pg_proc WHERE proname LIKE '" + f.changeLog() + "%'")).isZero();
            }
            source.close();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDb.class)
    void badInputIsAClearErrorNamingTheFix(TestDb db) throws Exception {
        try (SourceFixture f = new SourceFixture(db)) {
            TableId keyless = TableId.of(db.namespace(), f.target.name() + "_keyless");
            db.execute("CREATE TABLE " + db.q(keyless) + " (" + db.q("a") + " INT)");
            try {
                assertThatThrownBy(() -> f.create(new JdbcTriggerSourceFactory(), f.triggerOptions(keyless))
                        .open(RecordingSourceContext.fresh()))
                        .hasMessageContaining("has no primary key").hasMessageContaining("ADD PRIMARY KEY");
            } finally {
                db.execute("DROP TABLE " + db.q(keyless));
            }
            TableId t = f.table("privs", false);
            Map<String, Object> manual = f.triggerOptions(t);
            manual.put("setup", "manual");
            assertThatThrownBy(() -> f.create(new JdbcTriggerSourceFactory(), manual).open(RecordingSourceContext.fresh()))
                    .hasMessageContaining("setup: manual").hasMessageContaining("cdc setup");
            String user = "u_" + f.target.name().substring(2);
            createUserWithSelectOnly(db, user, t);
            try {
                Map<String, Object> options = f.triggerOptions(t);
                options.put("user", user);
                options.put("password", "pw");
                options.put("url", db.url().replace(";DB_CLOSE_DELAY=-1", "")); // H2: that setting needs admin rights
                assertThatThrownBy(() -> f.create(new JdbcTriggerSourceFactory(), options)
                        .open(RecordingSourceContext.fresh()))
                        .hasMessageContaining("user '" + user + "' may not run")
                        .hasMessageContaining("cdc setup <pipeline.yaml> --print");
            } finally {
                dropUser(db, user);
            }
        }
    }

    private static void createUserWithSelectOnly(TestDb db, String user, TableId t) throws Exception {
        switch (db) {
            case POSTGRES -> db.execute("CREATE ROLE " + user + " LOGIN PASSWORD 'pw'",
                    "GRANT SELECT ON " + db.q(t) + " TO " + user);
            case MARIADB -> db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'",
                    "CREATE USER '" + user + "'@'localhost' IDENTIFIED BY 'pw'",
                    "GRANT SELECT ON " + db.q(t) + " TO '" + user + "'@'%'",
                    "GRANT SELECT ON " + db.q(t) + " TO '" + user + "'@'localhost'");
            default -> db.execute("CREATE USER " + user + " PASSWORD 'pw'", "GRANT SELECT ON " + db.q(t) + " TO " + user);
        }
    }

    private static void dropUser(TestDb db, String user) throws Exception {
        switch (db) {
            case POSTGRES -> db.execute("DROP OWNED BY " + user, "DROP ROLE " + user);
            case MARIADB -> db.execute("DROP USER '" + user + "'@'%'", "DROP USER '" + user + "'@'localhost'");
            default -> db.execute("DROP USER " + user);
        }
    }

    private static long triggers(TestDb db, TableId t) throws Exception {
        return switch (db) {
            case POSTGRES -> db.count("SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
                    + " WHERE c.relname = '" + t.name() + "' AND NOT g.tgisinternal");
            default -> db.count("SELECT COUNT(*) FROM information_schema.triggers WHERE event_object_table = '"
                    + t.name() + "'");
        };
    }

    private static long tables(TestDb db, String like) throws Exception {
        return db.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_name LIKE '" + like + "'");
    }
}
