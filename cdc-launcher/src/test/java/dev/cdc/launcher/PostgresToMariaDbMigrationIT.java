package dev.cdc.launcher;

import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineState;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JdbcMigrationScenario} from PostgreSQL into MariaDB; and {@code cdc schema plan} showing the
 * DDL of a change the pipeline stopped at (schema-policy fail) before it runs, which a restart under
 * evolve then applies.
 */
class PostgresToMariaDbMigrationIT extends JdbcMigrationScenario {

    @Override
    String prefix() {
        return "pgmig";
    }

    @Override
    JdbcRoute route() {
        return JdbcRoute.POSTGRES_TO_MARIADB;
    }

    @Override
    String bigintName() {
        return "bigint";
    }

    @Test
    void schemaPlanShowsTheDdlBeforeItRunsAndAnEvolveRestartAppliesIt() throws Exception {
        exec("CREATE TABLE " + name + " (id bigint PRIMARY KEY, qty int NOT NULL, label varchar(20), note varchar(30))",
                "INSERT INTO " + name + " (id, qty, label, note) VALUES " + rows(1, 20));
        Pipeline held = start("fail");
        await(() -> targetIds().size() >= 20, "the snapshot in the target", held);
        // a streamed row and checkpoint first: a snapshot resumed after a DDL would read rows of the new shape
        exec("INSERT INTO " + name + " (id, qty) VALUES (100, 1)");
        await(() -> targetIds().contains(100L) && streamed(), "a streamed checkpoint", held);
        exec("ALTER TABLE " + name + " ADD COLUMN extra int DEFAULT 7", "INSERT INTO " + name + " (id, qty) VALUES (21, 1)");
        await(() -> held.state() == PipelineState.FAILED, "the pipeline stops at the change", null);
        assertThat(held.awaitTermination(Duration.ofSeconds(10))).isTrue();

        Cli plan = Cli.run("schema", "plan", work.resolve("pipeline.yaml").toString());
        assertThat(plan.exitCode()).as(plan.all()).isZero();
        assertThat(plan.out()).contains("sink 'replica' (jdbc, schema-policy fail):")
                .contains("public." + name + " v1").contains(": recorded")
                .contains("CREATE TABLE IF NOT EXISTS `" + name + "`")
                .contains("public." + name + " v2").contains("PENDING, stops the pipeline")
                .contains("ALTER TABLE `" + name + "` ADD COLUMN IF NOT EXISTS `extra` int DEFAULT 7");
        assertThat(targetColumns()).as("the DDL has not run").doesNotContainKey("extra");
        assertThat(targetIds()).doesNotContain(21L);

        Pipeline evolved = start("evolve");
        try {
            await(() -> targetIds().contains(21L), "row 21 after the change", evolved);
            awaitTargetEqualsSource(evolved);
            assertThat(targetColumns()).containsKey("extra");
        } finally {
            evolved.stop();
            assertThat(evolved.awaitTermination(Duration.ofSeconds(30))).isTrue();
        }
        Cli after = Cli.run("schema", "plan", work.resolve("pipeline.yaml").toString());
        assertThat(after.out()).doesNotContain("PENDING").contains("v2 at").contains(": recorded (the sink has it, its"
                + " current version): add column extra int32");
    }

}
