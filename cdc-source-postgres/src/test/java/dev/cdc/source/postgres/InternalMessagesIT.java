package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL hands every slot of the database the logical messages of every session: another
 * pipeline's heartbeats and backfill watermarks (transactional or not) never become events here,
 * user messages still do ({@code messages: true}, optionally narrowed by {@code message-prefixes}).
 */
class InternalMessagesIT extends PgTestBase {

    /** What other pipelines (another session) emit while this one streams. */
    private static final String[] FOREIGN = {
            "SELECT pg_logical_emit_message(true, 'cdc-heartbeat', now()::text)",
            "SELECT pg_logical_emit_message(false, 'cdc-heartbeat', now()::text)",
            "SELECT pg_logical_emit_message(false, 'cdc', 'other-pipeline:1:low')",
            "SELECT pg_logical_emit_message(true, 'cdc', 'other-pipeline:1:high')",
            "SELECT pg_logical_emit_message(true, 'cdc-backfill', 'foreign')"};

    @Test
    void otherPipelinesInternalMessagesNeverBecomeEventsUserMessagesDo() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY");
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec(FOREIGN);
        Pg.exec("BEGIN; INSERT INTO " + t + " VALUES (1); SELECT pg_logical_emit_message(true, 'cdc', 'in-tx');"
                + " SELECT pg_logical_emit_message(true, 'app', 'in-tx'); INSERT INTO " + t + " VALUES (2); COMMIT;");
        Pg.exec(FOREIGN);
        Pg.exec("SELECT pg_logical_emit_message(false, 'app', 'alone')",
                "SELECT pg_logical_emit_message(true, 'app-2', 'tx')", "INSERT INTO " + t + " VALUES (3)");
        await("the last insert", () -> of(r, t).size() == 3, Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(HeartbeatIT.messages(r).stream().map(InternalMessagesIT::text).toList())
                .containsExactly("app in-tx true", "app alone false", "app-2 tx true");
    }

    @Test
    void messagePrefixesNarrowTheUserMessages() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY");
        SourceRunner r = start(options("snapshot-mode", "never", "message-prefixes", List.of("keep", "cdc")),
                Optional.empty());
        Pg.exec(FOREIGN);
        Pg.exec("SELECT pg_logical_emit_message(true, 'drop', 'x')", "SELECT pg_logical_emit_message(true, 'keep', 'y')",
                "INSERT INTO " + t + " VALUES (1)");
        await("the insert", () -> of(r, t).size() == 1, Duration.ofSeconds(30));
        Thread.sleep(500);
        assertThat(HeartbeatIT.messages(r).stream().map(InternalMessagesIT::text).toList())
                .as("a reserved prefix stays out even when listed").containsExactly("keep y true");
    }

    private static String text(ChangeEvent e) {
        return e.after().get().get("prefix") + " " + e.after().get().get("content") + " " + e.after().get().get("transactional");
    }
}
