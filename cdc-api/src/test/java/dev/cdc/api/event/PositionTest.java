package dev.cdc.api.event;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PositionTest {

    @Test
    void offsetsAreAnImmutableCopyInNameOrder() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("row", "3");
        given.put("file", "mysql-bin.000004");
        given.put("pos", "120");
        Position p = Position.of(given, "k");
        given.put("gtid", "0-1-2");
        given.remove("row");

        assertThat(p.offsets()).containsExactly(Map.entry("file", "mysql-bin.000004"), Map.entry("pos", "120"),
                Map.entry("row", "3"));
        assertThat(List.copyOf(p.offsets().keySet())).containsExactly("file", "pos", "row");
        assertThatThrownBy(() -> p.offsets().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.offsets().remove("row")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> p.offsets().entrySet().iterator().remove())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void equalsHashCodeAndToStringAsWithAnyMapOfTheSameEntries() {
        Map<String, String> tree = new TreeMap<>(Map.of("lsn", "16", "tx_index", "2"));
        Position p = Position.of(new HashMap<>(tree), "0010-0002");

        assertThat(p.offsets()).isEqualTo(tree).hasSameHashCodeAs(tree);
        assertThat(tree).isEqualTo(p.offsets());
        assertThat(p.offsets()).hasToString(tree.toString());
        assertThat(p).hasToString("{lsn=16, tx_index=2}");
        assertThat(p).isEqualTo(Position.of(tree, "0010-0002")).hasSameHashCodeAs(Position.of(tree, "0010-0002"));
        assertThat(p).isNotEqualTo(Position.of(tree, "0010-0003"));
        assertThat(p).isNotEqualTo(Position.of(Map.of("lsn", "16", "tx_index", "3"), "0010-0002"));
        assertThat(p.offset("lsn")).isEqualTo("16");
        assertThat(p.offsets().get("nope")).isNull();
        assertThat(p.offsets().containsKey("tx_index")).isTrue();
        assertThat(p.offsets().get(42)).isNull();
    }

    @Test
    void withOffsetReplacesOrAddsOneOffsetAndLeavesTheOriginalAlone() {
        Position tx = Position.of(Map.of("file", "f.000001", "pos", "4", "row", "0"), "a");

        Position row = tx.withOffset("row", "7", "b");
        Position gtid = tx.withOffset("gtid", "0-1-9", "c");
        Position first = tx.withOffset("a", "1", "d");
        Position last = tx.withOffset("z", "2", "e");

        assertThat(row).isEqualTo(Position.of(Map.of("file", "f.000001", "pos", "4", "row", "7"), "b"));
        assertThat(gtid.offsets()).containsExactly(Map.entry("file", "f.000001"), Map.entry("gtid", "0-1-9"),
                Map.entry("pos", "4"), Map.entry("row", "0"));
        assertThat(first.offsets().keySet()).containsExactly("a", "file", "pos", "row");
        assertThat(last.offsets().keySet()).containsExactly("file", "pos", "row", "z");
        assertThat(tx.offsets()).isEqualTo(Map.of("file", "f.000001", "pos", "4", "row", "0"));
        assertThat(tx.sortKey()).isEqualTo("a");
    }

    @Test
    void withOffsetsSetsSeveralAtOnceAsWithOffsetWould() {
        Position page = Position.of(Map.of("c.0", "t0", "c.0.key.0", "1", "c.0.v", "5", "e", "3"), "");

        Position row = page.withOffsets(new String[] {"c.0", "c.0.key.0", "c.0.v"}, new String[] {"t1", "2", "6"}, "k");
        Position added = page.withOffsets(new String[] {"c.0.s", "c.0"}, new String[] {"9", "t2"}, "m");

        assertThat(row).isEqualTo(Position.of(Map.of("c.0", "t1", "c.0.key.0", "2", "c.0.v", "6", "e", "3"), "k"));
        assertThat(added).isEqualTo(page.withOffset("c.0.s", "9", "m").withOffset("c.0", "t2", "m"));
        assertThat(added.offsets().keySet()).containsExactly("c.0", "c.0.key.0", "c.0.s", "c.0.v", "e");
        assertThat(page.offsets()).isEqualTo(Map.of("c.0", "t0", "c.0.key.0", "1", "c.0.v", "5", "e", "3"));
        assertThatThrownBy(() -> page.withOffsets(new String[] {"a"}, new String[0], "k"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyOffsetsAndRefusedNames() {
        assertThat(Position.of(Map.of(), "").offsets()).isEmpty();
        Map<String, String> withNullName = new HashMap<>();
        withNullName.put(null, "x");
        assertThatThrownBy(() -> Position.of(withNullName, "k")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Position.of(null, "k")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Position.ofSequence(1).withOffset(null, "x", "k"))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void sortKeyOrdersPositions() {
        assertThat(Position.ofSequence(9)).isLessThan(Position.ofSequence(10));
        assertThat(Position.ofSequence(255).sortKey()).isEqualTo("00000000000000ff");
    }
}
