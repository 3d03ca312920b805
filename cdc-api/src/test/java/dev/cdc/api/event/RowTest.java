package dev.cdc.api.event;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowTest {

    private static final Row.Columns COLUMNS = Row.Columns.of(List.of("id", "name", "blob", "note"));

    @Test
    void aRowOfSharedColumnsEqualsTheSameRowBuilt() {
        byte[] bytes = {1, 2, 3};
        Row shared = Row.of(COLUMNS, 7L, "a", bytes, null);
        Row built = Row.builder().put("id", 7L).put("name", "a").put("blob", new byte[] {1, 2, 3}).put("note", null)
                .build();
        Row reordered = Row.of("note", null, "blob", new byte[] {1, 2, 3}, "name", "a", "id", 7L);

        assertThat(shared).isEqualTo(built).hasSameHashCodeAs(built);
        assertThat(built).isEqualTo(shared);
        assertThat(shared).isEqualTo(reordered).hasSameHashCodeAs(reordered);
        assertThat(shared).isNotEqualTo(Row.of(COLUMNS, 7L, "b", bytes, null));
        assertThat(shared).isNotEqualTo(Row.of("id", 7L, "name", "a", "blob", bytes, "other", null));
        assertThat(shared).hasToString(built.toString()).hasToString("{id=7, name=a, blob=<3 bytes>, note=null}");
    }

    @Test
    void valuesAreCopiedAndTheRowIsUnmodifiable() {
        Object[] values = {1L, "x", null, null};
        Row r = COLUMNS.row(values);
        values[1] = "changed";

        assertThat(r.get("name")).isEqualTo("x");
        assertThatThrownBy(() -> r.asMap().put("id", 2L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.columns().add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.asMap().entrySet().iterator().next().setValue(3L))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> r.asMap().values().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void lookupsAndViewsKeepTheColumnOrder() {
        Row r = Row.of(COLUMNS, 1L, null, Unchanged.VALUE, "n");

        assertThat(r.columns()).containsExactly("id", "name", "blob", "note");
        assertThat(new ArrayList<>(r.asMap().values())).containsExactly(1L, null, Unchanged.VALUE, "n");
        assertThat(r.asMap()).containsExactly(Map.entry("id", 1L), new java.util.AbstractMap.SimpleEntry<>("name", null),
                Map.entry("blob", Unchanged.VALUE), Map.entry("note", "n"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("id", 1L);
        expected.put("name", null);
        expected.put("blob", Unchanged.VALUE);
        expected.put("note", "n");
        assertThat(r.asMap()).isEqualTo(expected).hasSameHashCodeAs(expected);
        List<String> seen = new ArrayList<>();
        r.asMap().forEach((k, v) -> seen.add(k + "=" + v));
        assertThat(seen).containsExactly("id=1", "name=null", "blob=" + Unchanged.VALUE, "note=n");
        assertThat(r.has("name")).isTrue();
        assertThat(r.get("name")).isNull();
        assertThat(r.has("absent")).isFalse();
        assertThat(r.get("absent")).isNull();
        assertThat(r.find("note")).contains("n");
        assertThat(r.isUnchanged("blob")).isTrue();
        assertThat(r.hasUnchanged()).isTrue();
        assertThat(Row.of(COLUMNS, 1L, null, null, null).hasUnchanged()).isFalse();
        assertThat(r.size()).isEqualTo(4);
        assertThat(r.columnNames()).isSameAs(COLUMNS);
    }

    @Test
    void copiesKeepSemantics() {
        Row r = Row.of(COLUMNS, 1L, "a", null, "n");

        assertThat(r.with("name", "b").asMap()).containsExactly(Map.entry("id", 1L), Map.entry("name", "b"),
                new java.util.AbstractMap.SimpleEntry<>("blob", null), Map.entry("note", "n"));
        assertThat(r.with("extra", 5).columns()).containsExactly("id", "name", "blob", "note", "extra");
        assertThat(r.without(Set.of("blob", "note"))).isEqualTo(Row.of("id", 1L, "name", "a"));
        assertThat(r.project(List.of("note", "id", "absent")).columns()).containsExactly("note", "id");
        Row mapped = r.map((k, v) -> k.equals("name") ? "***" : v);
        assertThat(mapped).isEqualTo(Row.of("id", 1L, "name", "***", "blob", null, "note", "n"));
        assertThat(r.get("name")).isEqualTo("a");
        assertThat(r.toBuilder().remove("id").build().columns()).containsExactly("name", "blob", "note");
        assertThat(Row.copyOf(r.asMap())).isEqualTo(r);
    }

    @Test
    void theBuilderKeepsTheFirstPlaceOfARepeatedColumnAndStartsOverAfterBuild() {
        Row.Builder b = Row.builder().put("a", 1).put("b", 2).put("a", 3);
        Row first = b.build();
        Row second = b.put("c", 4).build();

        assertThat(first.asMap()).containsExactly(Map.entry("a", 3), Map.entry("b", 2));
        assertThat(second.asMap()).containsExactly(Map.entry("c", 4));
        assertThat(b.build()).isSameAs(Row.empty());
        assertThat(Row.of(Row.Columns.of(List.of()))).isSameAs(Row.empty());
    }

    @Test
    void wideRowsFindColumnsByName() {
        List<String> names = IntStream.range(0, 40).mapToObj(i -> "c" + i).toList();
        Row.Columns wide = Row.Columns.of(names);
        Object[] values = IntStream.range(0, 40).boxed().toArray();
        Row shared = Row.of(wide, values);
        Map<String, Object> m = new HashMap<>();
        names.forEach(n -> m.put(n, Integer.parseInt(n.substring(1))));
        Row built = Row.copyOf(m);

        assertThat(shared.get("c37")).isEqualTo(37);
        assertThat(shared.has("c40")).isFalse();
        assertThat(wide.indexOf("c12")).isEqualTo(12);
        assertThat(built.get("c37")).isEqualTo(37);
        assertThat(shared).isEqualTo(built).hasSameHashCodeAs(built);
    }

    @Test
    void badColumnsAreRefused() {
        assertThatThrownBy(() -> Row.Columns.of(List.of("a", "b", "a")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' given twice");
        assertThatThrownBy(() -> Row.of(COLUMNS, 1L, "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 4 values but got 2");
        assertThatThrownBy(() -> Row.builder().put(null, 1)).isInstanceOf(NullPointerException.class);
    }
}
