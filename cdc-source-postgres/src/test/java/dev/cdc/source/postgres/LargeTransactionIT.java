package dev.cdc.source.postgres;

import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 200,000-row single transaction streams with bounded heap (protocol 1: the server spills it;
 * protocol 2 with streaming: the source spools it to disk). The benchmark does 1,000,000.
 */
class LargeTransactionIT extends PgTestBase {

    /** 200,000 in CI; -Dcdc.test.large-transaction.rows=1000000 for the full figure. */
    private static final int ROWS = Integer.getInteger("cdc.test.large-transaction.rows", 200_000);

    @Test
    void protocol1() throws Exception {
        run(options("snapshot-mode", "never"));
    }

    @Test
    void protocol2Streaming() throws Exception {
        run(options("snapshot-mode", "never", "protocol-version", 2, "streaming", true));
    }

    private void run(Map<String, Object> options) throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, payload text");
        AtomicLong count = new AtomicLong();
        AtomicLong maxUsed = new AtomicLong();
        long[] emits = {0};
        Source source = newSource(options);
        SourceContext context = new SourceContext() {
            @Override
            public String pipelineName() {
                return "it";
            }

            @Override
            public Optional<Position> resumePosition() {
                return Optional.empty();
            }

            @Override
            public void emit(List<? extends StreamEvent> events) {
                count.addAndGet(events.stream().filter(e -> e.table().name().equals(t)).count());
                if (++emits[0] % 20 == 0) {
                    maxUsed.accumulateAndGet(heapUsed(), Math::max);
                }
            }

            @Override
            public boolean isStopping() {
                return count.get() >= ROWS;
            }
        };
        try {
            source.open(context);
            Pg.exec("INSERT INTO " + t + " SELECT g, repeat('x', 100) FROM generate_series(1, " + ROWS + ") g");
            System.gc();
            long baseline = heapUsed();
            source.run(context);
            assertThat(count.get()).isEqualTo(ROWS);
            long growth = maxUsed.get() - baseline;
            System.out.printf("large transaction %s: %d rows, heap after GC: baseline %d MB, max %d MB%n", options,
                    ROWS, baseline >> 20, maxUsed.get() >> 20);
            // 200,000 events of ~100 bytes would need well over 100 MB if they were held
            assertThat(growth).as("heap growth while streaming").isLessThan(64L << 20);
        } finally {
            source.close();
        }
    }

    private static long heapUsed() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                // what was live after the pool's last collection: garbage not counted
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }
}
