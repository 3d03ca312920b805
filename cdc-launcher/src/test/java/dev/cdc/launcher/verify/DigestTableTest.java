package dev.cdc.launcher.verify;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class DigestTableTest {

    @Test
    void behavesLikeAMapThroughPutsTakesAndGrowth() {
        Random random = new Random(42);
        DigestTable table = new DigestTable(10); // grows many times
        Map<String, long[]> model = new HashMap<>();
        long[] out = new long[2];
        for (int step = 0; step < 200_000; step++) {
            // few distinct ids, so probe runs wrap, collide and shift back on removal
            String id = Integer.toString(random.nextInt(5000));
            if (random.nextInt(3) > 0) {
                long high = random.nextLong();
                long low = random.nextLong();
                table.put(id, high, low);
                model.put(id, new long[] {high, low});
            } else {
                long[] expected = model.remove(id);
                assertThat(table.take(id, out)).as("step %d id %s", step, id).isEqualTo(expected != null);
                if (expected != null) {
                    assertThat(out).isEqualTo(expected);
                }
            }
            assertThat(table.size()).isEqualTo(model.size());
        }
        assertThat(table.ids()).containsExactlyInAnyOrderElementsOf(model.keySet());
        for (Map.Entry<String, long[]> e : model.entrySet()) {
            assertThat(table.take(e.getKey(), out)).isTrue();
            assertThat(out).isEqualTo(e.getValue());
        }
        assertThat(table.size()).isZero();
        assertThat(table.take("0", out)).isFalse();
    }

    @Test
    void idsWithTheSameHashAreKeptApart() {
        // "Aa" and "BB" have the same String.hashCode
        DigestTable table = new DigestTable(4);
        table.put("Aa", 1, 2);
        table.put("BB", 3, 4);
        long[] out = new long[2];
        assertThat(table.take("BB", out)).isTrue();
        assertThat(out).containsExactly(3, 4);
        assertThat(table.take("BB", out)).isFalse();
        assertThat(table.take("Aa", out)).isTrue();
        assertThat(out).containsExactly(1, 2);
    }
}
