package dev.cdc.source.postgres;

import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL restarted mid-stream: the source reconnects and loses nothing. */
class ServerRestartIT extends PgTestBase {

    @Test
    @Disabled("a fast shutdown waits (~2 min) for the connected walsender: it waits until the client's reported "
            + "position reaches what it sent, which a source acknowledging only checkpoints never does; to be solved")
    void reconnectsAfterARestartAndLosesNothing() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec("INSERT INTO " + t + " SELECT g, 0 FROM generate_series(1, 100) g");
        await("100 events", () -> of(r, t).size() == 100, Duration.ofSeconds(30));
        try {
            Services.stop(Service.POSTGRES);
        } finally {
            Services.start(Service.POSTGRES);
        }
        Pg.exec("INSERT INTO " + t + " SELECT g, 1 FROM generate_series(101, 200) g");
        await("200 events after the restart", () -> of(r, t).size() >= 200, Duration.ofSeconds(90));
        Thread.sleep(500);
        assertThat(of(r, t)).hasSize(200);
        assertThat(r.failure()).isEmpty();
        assertThat(fold(of(r, t))).isEqualTo(tableState(t));
    }
}
