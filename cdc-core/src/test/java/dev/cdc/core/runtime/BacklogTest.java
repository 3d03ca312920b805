package dev.cdc.core.runtime;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BacklogTest {

    @TempDir
    Path dir;

    /** Batch n: events 10n .. 10n+9 of TestSource; batch 3 is a schema change (kept in memory at its place). */
    static LaneBatch batch(int n) {
        if (n == 3) {
            SchemaChangeEvent change = SchemaChangeEvent.of(SchemaEvolutionTest.V1, Position.ofSequence(30),
                    Instant.EPOCH);
            return new LaneBatch(List.of(LaneEntry.schemaChange(change, 30, Optional.empty())), 30,
                    Position.ofSequence(30), Instant.EPOCH, Instant.EPOCH);
        }
        List<LaneEntry> entries = new ArrayList<>();
        for (long s = 10L * n; s < 10L * n + 10; s++) {
            entries.add(LaneEntry.row(ChangeEvent.insert(TestSource.TABLE, Row.of("id", s % 7), Row.of("id", s % 7,
                    "seq", s), Instant.EPOCH.plusMillis(s), Position.ofSequence(s)), s));
        }
        return new LaneBatch(entries, 10L * n + 9, Position.ofSequence(10L * n + 9), Instant.EPOCH,
                Instant.parse("2026-12-06T22:00:00Z").plusSeconds(n));
    }

    private Backlog appended(int batches, long segmentBytes) throws Exception {
        Backlog b = Backlog.open(dir, segmentBytes, "search");
        for (int n = 0; n < batches; n++) {
            LaneBatch batch = batch(n);
            byte[] bytes;
            try {
                bytes = BacklogCodec.encode(batch);
            } catch (BacklogCodec.Unspillable e) {
                bytes = null;
            }
            b.append(batch, bytes);
        }
        return b;
    }

    @Test
    void readsBackEveryBatchInOrderAcrossSegmentsAndDeletesAcknowledgedSegments() throws Exception {
        try (Backlog b = appended(12, 4_000)) {
            long segments;
            try (Stream<Path> files = Files.list(dir)) {
                segments = files.count();
            }
            assertThat(segments).as("small segments roll").isGreaterThan(3);
            assertThat(b.events()).isEqualTo(111);
            assertThat(b.oldestEnqueuedAt()).contains(Instant.parse("2026-12-06T22:00:00Z"));
            List<LaneBatch> back = new ArrayList<>();
            for (List<LaneBatch> unit = b.read(25, Integer.MAX_VALUE); !unit.isEmpty(); unit = b.read(25, Integer.MAX_VALUE)) {
                back.addAll(unit);
                b.acknowledge(unit.size());
            }
            assertThat(back).containsExactlyElementsOf(Stream.iterate(0, n -> n + 1).limit(12).map(BacklogTest::batch)
                    .toList());
            assertThat(b.drained()).isTrue();
            assertThat(b.events()).isZero();
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.count()).as("everything acknowledged: no segment is left").isZero();
            }
            assertThat(b.bytes()).isZero();
            b.append(batch(20), BacklogCodec.encode(batch(20)));
            assertThat(b.read(100, 1)).containsExactly(batch(20));
        }
    }

    @Test
    void whatAnEarlierRunLeftIsDiscardedAtOpen() throws Exception {
        appended(3, 1 << 20).close();
        try (Backlog b = Backlog.open(dir, 1 << 20, "search")) {
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.count()).isZero();
            }
            assertThat(b.read(10, Integer.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    void aFlippedByteIsDetectedByItsChecksumAndNothingGarbledIsDelivered() throws Exception {
        try (Backlog b = appended(3, 1 << 20)) {
            Path segment = dir.resolve("000001.seg");
            long size = Files.size(segment);
            try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
                f.seek(size - 20); // inside the third record's payload
                int v = f.read();
                f.seek(size - 20);
                f.write(v ^ 0x01);
            }
            List<LaneBatch> first = b.read(20, Integer.MAX_VALUE);
            assertThat(first).containsExactly(batch(0), batch(1));
            assertThatThrownBy(() -> b.read(20, Integer.MAX_VALUE)).isInstanceOf(Backlog.CorruptBacklogException.class)
                    .hasMessageContaining(segment.toString()).hasMessageContaining("CRC32C mismatch")
                    .hasMessageContaining("nothing from it is delivered");
        }
    }

    @Test
    void aTruncatedLastRecordIsDetectedAndNamed() throws Exception {
        try (Backlog b = appended(2, 1 << 20)) {
            Path segment = dir.resolve("000001.seg");
            try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
                f.setLength(f.length() - 7);
            }
            assertThat(b.read(10, Integer.MAX_VALUE)).containsExactly(batch(0));
            assertThatThrownBy(() -> b.read(10, Integer.MAX_VALUE)).isInstanceOf(Backlog.CorruptBacklogException.class)
                    .hasMessageContaining(segment.toString()).hasMessageContaining("truncated");
        }
    }

    @Test
    void aRecordOfTheRowsIsDecodedToEqualEvents() throws Exception {
        try (Backlog b = appended(1, 1 << 20)) {
            LaneBatch back = b.read(100, Integer.MAX_VALUE).get(0);
            assertThat(back.entries()).extracting(e -> ((ChangeEvent) e.event()).position())
                    .containsExactlyElementsOf(batch(0).entries().stream().map(e -> e.event().position()).toList());
        }
    }
}
