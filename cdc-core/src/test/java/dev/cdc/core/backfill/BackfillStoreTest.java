package dev.cdc.core.backfill;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackfillStoreTest {

    private static final TableId ORDERS = TableId.of("public", "orders");

    @TempDir
    Path state;

    @Test
    void aQueuedRequestRoundTripsThroughItsFile() throws Exception {
        BackfillStore store = new BackfillStore(state);
        BackfillRequest r = new BackfillRequest("o-1", ORDERS, Optional.of("region = 'eu'"),
                List.of(List.of("1", "a"), List.of("2", "b")), Set.of("es", "redis"), Optional.empty());
        store.queue(r, Instant.parse("2026-12-07T01:00:00Z"));

        assertThat(state.resolve("backfills/o-1.json")).exists();
        assertThat(Files.list(state.resolve("backfills"))).as("no temporary file left").hasSize(1);
        BackfillRecord back = store.find("o-1").orElseThrow();
        assertThat(back.request()).isEqualTo(r);
        assertThat(back.state()).isEqualTo(BackfillState.QUEUED);
        assertThat(back.rowsEstimated()).isEqualTo(-1);
        assertThat(store.list()).extracting(BackfillRecord::id).containsExactly("o-1");

        store.save(back.with(r.resumingAfter(List.of("2", "b")), BackfillState.RUNNING, 2, 10, Optional.empty(),
                Instant.now()));
        assertThat(store.find("o-1").orElseThrow().request().resumeAfter()).contains(List.of("2", "b"));
        assertThat(store.find("o-1").orElseThrow().rows()).isEqualTo(2);
    }

    @Test
    void anExistingOrBadIdIsRefused() {
        BackfillStore store = new BackfillStore(state);
        store.queue(BackfillRequest.table("same", ORDERS), Instant.now());
        assertThatThrownBy(() -> store.queue(BackfillRequest.table("same", ORDERS), Instant.now()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("exists already");
        assertThatThrownBy(() -> store.queue(BackfillRequest.table("../x", ORDERS), Instant.now()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be letters");
        assertThat(BackfillStore.newId(ORDERS)).matches("orders-[0-9a-f]{8}");
    }

    @Test
    void aChunkBecomesTheResumePointOnlyWhenTheCheckpointPassesIt() {
        BackfillStore store = new BackfillStore(state);
        store.queue(BackfillRequest.table("o", ORDERS), Instant.now());
        Backfills b = new Backfills("p", Optional.of(store), List.of("es"), new SimpleMeterRegistry(), Clock.systemUTC());
        b.open(Optional.of(Position.ofSequence(5)), s -> false);
        b.source("postgres", true);
        assertThat(b.toRun()).extracting(BackfillRequest::id).containsExactly("o");

        b.chunk("o", List.of("10"), Position.ofSequence(20), 10, 30, false);
        b.chunk("o", List.of("20"), Position.ofSequence(40), 10, 30, false);
        assertThat(store.find("o").orElseThrow().request().resumeAfter()).isEmpty();
        b.committed(Position.ofSequence(19));
        assertThat(store.find("o").orElseThrow().request().resumeAfter()).isEmpty();
        b.committed(Position.ofSequence(25));
        assertThat(store.find("o").orElseThrow().request().resumeAfter()).contains(List.of("10"));
        assertThat(b.toRun().get(0).resumeAfter()).contains(List.of("10"));

        b.chunk("o", List.of("30"), Position.ofSequence(60), 10, 30, true);
        assertThat(b.toRun()).as("a finished request leaves the source's list").isEmpty();
        assertThat(b.status("o").orElseThrow().state()).isEqualTo(BackfillState.RUNNING);
        assertThat(b.status("o").orElseThrow().rows()).isEqualTo(30);
        b.committed(Position.ofSequence(60));
        BackfillRecord done = store.find("o").orElseThrow();
        assertThat(done.state()).isEqualTo(BackfillState.DONE);
        assertThat(done.rows()).isEqualTo(30);
        assertThat(done.request().resumeAfter()).contains(List.of("30"));
    }

    @Test
    void aRestartedTrackerResumesFromTheDurableChunk() {
        BackfillStore store = new BackfillStore(state);
        store.queue(BackfillRequest.table("o", ORDERS), Instant.now());
        Backfills first = new Backfills("p", Optional.of(store), List.of("es"), new SimpleMeterRegistry(),
                Clock.systemUTC());
        first.open(Optional.empty(), s -> false);
        first.source("postgres", true);
        first.chunk("o", List.of("10"), Position.ofSequence(20), 10, 30, false);
        first.committed(Position.ofSequence(20));
        first.chunk("o", List.of("20"), Position.ofSequence(40), 10, 30, false);

        Backfills second = new Backfills("p", Optional.of(store), List.of("es"), new SimpleMeterRegistry(),
                Clock.systemUTC());
        second.open(Optional.of(Position.ofSequence(20)), s -> false);
        second.source("postgres", true);
        assertThat(second.toRun()).singleElement().satisfies(r -> assertThat(r.resumeAfter()).contains(List.of("10")));
        assertThat(second.status("o").orElseThrow().rows()).isEqualTo(10);
    }

    @Test
    void aSourceRequestWithAKnownIdIsIgnoredAndABadOneIsRecordedFailed() {
        Backfills b = new Backfills("p", Optional.of(new BackfillStore(state)), List.of("es"),
                new SimpleMeterRegistry(), Clock.systemUTC());
        b.open(Optional.empty(), s -> s.equals("es"));
        b.source("postgres", true);
        b.requestFromSource(BackfillRequest.table("heal-1", ORDERS));
        b.requestFromSource(BackfillRequest.table("heal-1", TableId.of("public", "other")));
        assertThat(b.toRun()).singleElement().satisfies(r -> assertThat(r.table()).isEqualTo(ORDERS));
        b.requestFromSource(new BackfillRequest("to-es", ORDERS, Optional.empty(), List.of(), Set.of("es"),
                Optional.empty()));
        assertThat(b.status("to-es").orElseThrow().state()).isEqualTo(BackfillState.FAILED);
        assertThat(b.status("to-es").orElseThrow().error().orElseThrow()).contains("sink 'es' is detached");
    }
}
