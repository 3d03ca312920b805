package dev.cdc.jdbc.snapshot;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotStateTest {

    @Test
    void roundTripsThroughOffsets() {
        TreeMap<Integer, TableProgress> tables = new TreeMap<>();
        tables.put(1, new TableProgress("test.b", new String[] {"42", "x:00ff"}));
        tables.put(3, new TableProgress("test.d", new String[0]));
        SnapshotState s = new SnapshotState(17, 4, tables);
        Map<String, String> offsets = new HashMap<>();
        s.writeTo(offsets);
        assertThat(offsets).containsEntry("next", "4").containsEntry("t.1", "test.b").containsEntry("t.1.key.0", "42")
                .containsEntry("t.1.key.1", "x:00ff").containsEntry("t.3", "test.d").doesNotContainKey("t.3.key.0");
        SnapshotState back = SnapshotState.from(17, offsets);
        assertThat(back).isEqualTo(s);
        assertThat(back.finished(0)).isTrue();
        assertThat(back.finished(1)).isFalse();
        assertThat(back.finished(2)).isTrue();
        assertThat(back.finished(3)).isFalse();
        assertThat(back.finished(4)).as("not started").isFalse();
        assertThat(back.countFinished(5)).isEqualTo(2);
    }

    @Test
    void aPositionFromBeforeResumableSnapshotsResumesNothing() {
        SnapshotState s = SnapshotState.from(5, Map.of("file", "mysql-bin.000001", "pos", "4", "snapshot", "true"));
        assertThat(s.next()).isZero();
        assertThat(s.inProgress()).isEmpty();
        assertThat(s.finished(0)).isFalse();
    }

    @Test
    void theStateIsACopy() {
        TreeMap<Integer, TableProgress> tables = new TreeMap<>();
        tables.put(0, new TableProgress("a.b", new String[] {"1"}));
        SnapshotState s = new SnapshotState(1, 1, tables);
        tables.put(0, new TableProgress("a.b", new String[] {"2"}));
        assertThat(s.inProgress().get(0).keys()).containsExactly("1");
    }
}
