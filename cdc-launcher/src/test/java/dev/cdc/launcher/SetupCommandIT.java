package dev.cdc.launcher;

import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cdc setup FILE [--print] [--drop] [--alter SQL]} for a jdbc-trigger pipeline on the real PostgreSQL. */
class SetupCommandIT {

    private final TestTarget target = TestTarget.create();
    private Path pipeline;

    @BeforeEach
    void table() throws Exception {
        sql("CREATE TABLE public." + target.name() + "_orders (id bigint PRIMARY KEY, status text)");
        pipeline = Files.writeString(target.directory().resolve("setup.yaml"), """
                pipeline: setup-test
                source:
                  type: jdbc-trigger
                  url: %s
                  user: %s
                  tables: [public\\.%s_orders]
                  change-log: cl_%s
                sinks:
                  - {name: out, type: discard}
                """.formatted(Services.postgresJdbcUrl(), Services.postgresUser(), target.name(), target.name()));
    }

    @AfterEach
    void cleanUp() throws Exception {
        sql("DROP TABLE IF EXISTS public." + target.name() + "_orders",
                "DROP TABLE IF EXISTS public.cl_" + target.name(), "DROP TABLE IF EXISTS public.cl_" + target.name()
                        + "_batches", "DROP FUNCTION IF EXISTS public.cl_" + target.name() + "_capture() CASCADE");
        target.deleteDirectory();
    }

    @Test
    void printCreateAndDrop() throws Exception {
        Cli printed = Cli.run("setup", pipeline.toString(), "--print");
        assertThat(printed.exitCode()).as(printed.all()).isZero();
        assertThat(printed.out()).contains("CREATE TABLE IF NOT EXISTS \"public\".\"cl_" + target.name() + "\"")
                .contains("CREATE TRIGGER").contains("row_to_json(NEW)").contains(";\n");
        assertThat(triggers()).as("--print changes nothing").isZero();

        Cli created = Cli.run("setup", pipeline.toString());
        assertThat(created.exitCode()).as(created.all()).isZero();
        assertThat(triggers()).isEqualTo(1);

        Cli dropPrinted = Cli.run("setup", pipeline.toString(), "--drop", "--print");
        assertThat(dropPrinted.out()).contains("DROP TRIGGER").contains("DROP TABLE IF EXISTS");
        Cli dropped = Cli.run("setup", pipeline.toString(), "--drop");
        assertThat(dropped.exitCode()).as(dropped.all()).isZero();
        assertThat(triggers()).isZero();
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname LIKE 'cl_" + target.name() + "%'")).isZero();
    }

    @Test
    void alterRunsTheDdlOfACapturedTableAndRefusesAnyOther() throws Exception {
        assertThat(Cli.run("setup", pipeline.toString()).exitCode()).isZero();
        Cli altered = Cli.run("setup", pipeline.toString(), "--alter", "ALTER TABLE public." + target.name()
                + "_orders ADD COLUMN note text");
        assertThat(altered.exitCode()).as(altered.all()).isZero();
        assertThat(count("SELECT count(*) FROM information_schema.columns WHERE table_name = '" + target.name()
                + "_orders' AND column_name = 'note'")).isEqualTo(1);
        assertThat(triggers()).isEqualTo(1);

        Cli other = Cli.run("setup", pipeline.toString(), "--alter", "ALTER TABLE public.somewhere_else ADD COLUMN x int");
        assertThat(other.exitCode()).isEqualTo(ExitCodes.CANNOT_START);
        assertThat(other.err()).contains("alters no captured table").contains(target.name() + "_orders");
    }

    @Test
    void aSourceWithoutSetupSaysSo() throws Exception {
        Path generator = Files.writeString(target.directory().resolve("gen.yaml"),
                "pipeline: gen\nsource: {type: generator, count: 1}\nsinks:\n  - {name: out, type: discard}\n");
        Cli r = Cli.run("setup", generator.toString(), "--print");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.INVALID);
        assertThat(r.err()).contains("needs no setup");
    }

    private long triggers() throws Exception {
        return count("SELECT count(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid WHERE c.relname = '"
                + target.name() + "_orders' AND NOT g.tgisinternal");
    }

    private static long count(String query) throws Exception {
        try (Connection c = DriverManager.getConnection(Services.postgresJdbcUrl(), Services.postgresUser(),
                Services.postgresPassword()); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(Services.postgresJdbcUrl(), Services.postgresUser(),
                Services.postgresPassword()); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }
}
