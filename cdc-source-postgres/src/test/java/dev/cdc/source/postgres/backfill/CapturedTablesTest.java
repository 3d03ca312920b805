package dev.cdc.source.postgres.backfill;

import dev.cdc.api.event.TableId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The covered-tables record: what a restart compares against, and the ids it gives. */
class CapturedTablesTest {

    private static final TableId A = TableId.of("public", "a");
    private static final TableId B = TableId.of("public", "b");

    @Test
    void nothingIsUncoveredBeforeTheFirstRecord(@TempDir Path dir) {
        CapturedTables c = CapturedTables.open(Optional.of(dir));
        assertThat(c.uncovered(List.of(A, B))).isEmpty();
        c.record(List.of(A));
        assertThat(c.uncovered(List.of(A, B))).containsExactly(B);
    }

    @Test
    void theRecordSurvivesAReopenAndTheIdStaysTheSameUntilTheNextRecord(@TempDir Path dir) {
        CapturedTables first = CapturedTables.open(Optional.of(dir));
        first.record(List.of(A));
        String id = first.requestId("slot", B);
        CapturedTables again = CapturedTables.open(Optional.of(dir));
        assertThat(again.uncovered(List.of(A, B))).containsExactly(B);
        assertThat(again.requestId("slot", B)).as("a crash before the record: the same id").isEqualTo(id)
                .isEqualTo("capture-slot-public.b-g1");
        again.record(List.of(A, B));
        assertThat(CapturedTables.open(Optional.of(dir)).uncovered(List.of(A, B))).isEmpty();
        again.record(List.of(A));
        again.record(List.of(A, B));
        assertThat(again.requestId("slot", B)).as("left and joined again: a new id").isNotEqualTo(id);
    }

    @Test
    void anUnchangedSetIsNotRewrittenAndWithoutADirectoryItLivesInMemory(@TempDir Path dir) throws Exception {
        CapturedTables c = CapturedTables.open(Optional.of(dir));
        c.record(List.of(A));
        String text = Files.readString(dir.resolve(CapturedTables.FILE));
        c.record(List.of(A));
        assertThat(Files.readString(dir.resolve(CapturedTables.FILE))).isEqualTo(text).startsWith("1\n");
        CapturedTables memory = CapturedTables.open(Optional.empty());
        memory.record(List.of(A));
        assertThat(memory.uncovered(List.of(A, B))).containsExactly(B);
    }

    @Test
    void aDamagedFileNamesItselfAndTheWayOut(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(CapturedTables.FILE), "not a number\n");
        assertThatThrownBy(() -> CapturedTables.open(Optional.of(dir)))
                .hasMessageContaining(CapturedTables.FILE).hasMessageContaining("delete the file");
    }
}
