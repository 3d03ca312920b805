package dev.cdc.testkit.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.spi.Sink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sink conformance kit's groups on how events are delivered: again after a restart or a
 * retry ({@link Replays}), late behind newer ones ({@link OutOfOrder}, for sinks with an order
 * guard), and read while the sink is still open or by the next instance ({@link Durability}). Part
 * of {@link SinkContract}, which every sink's test extends; its constructor is package-private so
 * that no sink runs only part of the kit.
 */
public abstract class DeliveryContract extends RowContract {

    DeliveryContract() {
    }

    // ---------------------------------------------------------------- groups

    /** Delivering the same events again (after a restart or a retry) does no harm. */
    @Nested
    public class Replays {

        @Test
        void sameBatchTwiceLeavesTheSameState() throws Exception {
            List<ChangeEvent> batch = mixedBatch();
            writeFlushClose(batch);
            writeFlushClose(batch);
            // STATE: the state one delivery leaves; LOG: every event at least once.
            assertTargetHolds(concat(batch, batch));
            if (has(SinkCapability.STATE)) {
                assertTargetHolds(batch);
            }
        }

        @Test
        void replayInOneBatchLeavesTheSameState() throws Exception {
            List<ChangeEvent> batch = mixedBatch();
            writeFlushClose(concat(batch, batch));
            assertTargetHolds(concat(batch, batch));
        }
    }

    /** With an order guard, an older event delivered late never overwrites a newer state. */
    @Nested
    public class OutOfOrder {

        @BeforeEach
        void onlyWithOrderGuard() {
            assumeTrue(has(SinkCapability.STATE) && has(SinkCapability.ORDER_GUARD),
                    "an order guard applies to STATE sinks that declare ORDER_GUARD; without one the engine's"
                            + " per-key ordering is the guarantee, and a LOG keeps every event as delivered");
        }

        @Test
        void olderUpdateAfterNewerIsIgnored() throws Exception {
            ChangeEvent created = insert(ORDERS, order(1, "new", "1.00", null));
            ChangeEvent paid = update(ORDERS, order(1, "paid", "1.00", null));
            ChangeEvent shipped = update(ORDERS, order(1, "shipped", "1.00", null));
            Sink sink = openSink();
            writeAndFlush(sink, List.of(created, shipped));
            writeAndFlush(sink, List.of(paid));
            sink.close();
            assertRows(ORDERS, List.of(order(1, "shipped", "1.00", null)));
        }

        @Test
        void oldInsertAfterDeleteIsIgnored() throws Exception {
            assumeTrue(has(SinkCapability.DELETES), "needs DELETES; deleteRemovesTheRow covers its absence");
            ChangeEvent created = insert(ORDERS, order(1, "new", "1.00", null));
            ChangeEvent kept = insert(ORDERS, order(2, "new", "2.00", null));
            ChangeEvent deleted = deleteKey(ORDERS, Row.of("id", 1L));
            Sink sink = openSink();
            writeAndFlush(sink, List.of(created, kept, deleted));
            writeAndFlush(sink, List.of(created));
            sink.close();
            assertRows(ORDERS, List.of(order(2, "new", "2.00", null)));
        }

        @Test
        void olderBatchReplayedAfterNewerDoesNotRegress() throws Exception {
            List<ChangeEvent> older = List.of(
                    insert(ORDERS, order(1, "new", "1.00", null)),
                    insert(ORDERS, order(2, "new", "2.00", null)));
            List<ChangeEvent> newer = List.of(
                    update(ORDERS, order(1, "paid", "1.50", "newer")),
                    update(ORDERS, order(2, "paid", "2.50", "newer")));
            Sink sink = openSink();
            writeAndFlush(sink, older);
            writeAndFlush(sink, newer);
            sink.close();
            writeFlushClose(older);
            assertRows(ORDERS, List.of(order(1, "paid", "1.50", "newer"), order(2, "paid", "2.50", "newer")));
        }
    }

    /** Events are acknowledged only once durable: after {@code flush()} returns, anyone sees them. */
    @Nested
    public class Durability {

        @Test
        void flushedEventsAreVisibleBeforeTheSinkCloses() throws Exception {
            List<ChangeEvent> flushed = List.of(
                    insert(ORDERS, order(1, "new", "1.00", null)),
                    insert(ORDERS, order(2, "new", "2.00", null)));
            Sink sink = openSink();
            writeAndFlush(sink, flushed);
            // The sink is still open (as after a crash right after the ack): a new view must see it all.
            assertTargetHolds(flushed);
        }

        @Test
        void aNewSinkInstanceContinuesWhereTheLastFlushLeft() throws Exception {
            List<ChangeEvent> flushed = List.of(
                    insert(ORDERS, order(1, "new", "1.00", null)),
                    insert(ORDERS, order(2, "new", "2.00", null)));
            // Written but never flushed: allowed to be lost, so nothing is asserted about it.
            List<ChangeEvent> unflushed = List.of(insert(CUSTOMERS, customer(9, "maybe lost", false)));
            List<ChangeEvent> later = List.of(
                    update(ORDERS, order(2, "paid", "2.00", null)),
                    insert(ORDERS, order(3, "new", "3.00", null)));
            Sink first = openSink();
            writeAndFlush(first, flushed);
            first.write(unflushed);
            first.close();
            writeFlushClose(later);
            assertTargetHolds(concat(flushed, later));
        }
    }

    /** Inserts, updates and, when declared, deletes over two tables. */
    private List<ChangeEvent> mixedBatch() {
        List<ChangeEvent> batch = new ArrayList<>(List.of(
                insert(ORDERS, order(1, "new", "1.00", null)),
                insert(ORDERS, order(2, "new", "2.00", null)),
                insert(CUSTOMERS, customer(1, "c", false)),
                update(ORDERS, order(1, "paid", "1.00", "x"))));
        if (has(SinkCapability.DELETES)) {
            batch.add(deleteKey(ORDERS, Row.of("id", 2L)));
        }
        return batch;
    }
}
