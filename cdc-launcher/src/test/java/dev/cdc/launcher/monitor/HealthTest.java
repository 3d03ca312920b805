package dev.cdc.launcher.monitor;

import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.PipelineStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest {

    @Test
    void startingAndRunningAreUp() {
        for (PipelineState s : new PipelineState[] {PipelineState.CREATED, PipelineState.STARTING,
            PipelineState.RUNNING}) {
            Health h = Health.of(s, Set.of(), Optional.empty());
            assertThat(h.status()).isEqualTo(Health.Status.UP);
            assertThat(h.httpStatus()).isEqualTo(200);
        }
    }

    @Test
    void aLagAlertDegradesButStays200() {
        Health h = Health.of(PipelineState.RUNNING, Set.of("search", "cache"), Optional.empty());
        assertThat(h.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(h.httpStatus()).isEqualTo(200);
        assertThat(h.lagAlerts()).containsExactly("cache", "search");
    }

    @Test
    void aHeldSchemaChangeDegradesButStays200AndTheJsonSaysHowToApproveIt() {
        String held = "sink 'replica' holds public.items v2 at {lsn=0/16B3748}: add column note string (FULL); "
                + "approve: cdc schema approve FILE replica 2 --table public.items";
        Health h = Health.of(PipelineState.RUNNING, Set.of(), Optional.empty(), java.util.List.of(), java.util.List.of(held));
        assertThat(h.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(h.httpStatus()).isEqualTo(200);
        assertThat(StatusJson.health("orders", h).path("schema_held").get(0).asText()).isEqualTo(held);
        assertThat(Health.of(PipelineState.STOPPED, Set.of(), Optional.empty(), java.util.List.of(), java.util.List.of(held)).status())
                .isEqualTo(Health.Status.DOWN);
    }

    @Test
    void stoppingAndEveryEndAreDown503() {
        for (PipelineState s : new PipelineState[] {PipelineState.STOPPING, PipelineState.STOPPED,
            PipelineState.COMPLETED, PipelineState.FAILED}) {
            Health h = Health.of(s, Set.of("search"), Optional.of("boom"));
            assertThat(h.status()).as("%s", s).isEqualTo(Health.Status.DOWN);
            assertThat(h.httpStatus()).isEqualTo(503);
        }
    }

    @Test
    void healthJsonCarriesStatusStateAlertsAndFailure() {
        var json = StatusJson.health("orders", Health.of(PipelineState.FAILED, Set.of(), Optional.of("disk full")));
        assertThat(json.path("status").asText()).isEqualTo("DOWN");
        assertThat(json.path("pipeline").asText()).isEqualTo("orders");
        assertThat(json.path("state").asText()).isEqualTo("FAILED");
        assertThat(json.path("failure").asText()).isEqualTo("disk full");
        assertThat(json.path("lag_alerts").isArray()).isTrue();
    }

    @Test
    void anUnreachableTargetDegradesFromItsFirstFailedAttemptNamingTheSinkAndSinceWhen() {
        Instant since = Instant.parse("2026-12-06T22:00:00Z");
        PipelineStatus.SinkStatus down = new PipelineStatus.SinkStatus("search", "elasticsearch", 10, 1, 0, 0, 0, 5,
                0.1, Optional.empty(), PipelineStatus.SchemaChanges.NONE, PipelineStatus.LaneState.STREAMING,
                Optional.of(new PipelineStatus.Outage(since, "Connection refused")), PipelineStatus.Backlog.EMPTY,
                Optional.empty());
        PipelineStatus.SinkStatus fine = new PipelineStatus.SinkStatus("cache", "redis", 10, 0, 0, 0, 0, 0, 0.1,
                Optional.empty(), PipelineStatus.SchemaChanges.NONE);
        PipelineStatus status = new PipelineStatus("orders", PipelineState.RUNNING, Optional.empty(), 10,
                Optional.empty(), Optional.empty(), List.of(down, fine), Optional.of("search"), List.of());

        Health h = Health.of(status, Set.of());
        assertThat(h.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(h.httpStatus()).isEqualTo(200);
        assertThat(h.problems()).containsExactly(
                "sink 'search' cannot reach its target since 2026-12-06T22:00:00Z (retrying until it can): "
                        + "Connection refused",
                "the source is waiting on sink 'search'");
        assertThat(StatusJson.health("orders", h).path("problems").get(0).asText()).startsWith("sink 'search'");
        assertThat(Health.of(new PipelineStatus("orders", PipelineState.RUNNING, Optional.empty(), 10,
                Optional.empty(), Optional.empty(), List.of(fine)), Set.of()).status()).isEqualTo(Health.Status.UP);
    }
}
