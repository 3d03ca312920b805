package dev.cdc.testkit.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.spi.Sink;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sink conformance kit's groups on what one delivery leaves in the target: inserts
 * ({@link Writes}, composite keys included), updates with their unchanged columns
 * ({@link Updates}) and deletes ({@link Deletes}). Part of {@link SinkContract}, which every sink's
 * test extends; its constructor is package-private so that no sink runs only part of the kit.
 */
public abstract class RowContract extends SinkContractBase {

    RowContract() {
    }

    // ---------------------------------------------------------------- groups

    /** Inserts reach the target. */
    @Nested
    public class Writes {

        @Test
        void insertsOfSeveralTablesAppearAfterFlush() throws Exception {
            List<ChangeEvent> events = List.of(
                    insert(ORDERS, order(1, "new", "10.50", null)),
                    insert(ORDERS, order(2, "new", "0.99", "gift wrap")),
                    insert(CUSTOMERS, customer(1, "Zoë Ünïcode ✓", true)),
                    insert(ORDERS, order(3, "new", "1234567.89", null)),
                    insert(CUSTOMERS, customer(2, "plain", false)));
            writeFlushClose(events);
            assertTargetHolds(events);
        }

        @Test
        void severalWritesBeforeOneFlushAllArrive() throws Exception {
            List<ChangeEvent> first = List.of(insert(ORDERS, order(1, "new", "1.00", null)));
            List<ChangeEvent> second = List.of(insert(ORDERS, order(2, "new", "2.00", null)),
                    insert(ORDERS, order(3, "new", "3.00", null)));
            Sink sink = openSink();
            sink.write(first);
            sink.write(second);
            sink.write(List.of());
            sink.flush();
            sink.close();
            assertTargetHolds(concat(first, second));
        }

        @Test
        void compositeKeysKeepRowsApart() throws Exception {
            List<ChangeEvent> events = List.of(
                    insert(ORDER_LINES, line(1, 1, "apple", 3)),
                    insert(ORDER_LINES, line(1, 2, "pear", 1)),
                    insert(ORDER_LINES, line(2, 1, "plum", 7)));
            if (!has(SinkCapability.COMPOSITE_KEYS)) {
                assertFailsClearly(SinkCapability.COMPOSITE_KEYS, openSink(), events);
                return;
            }
            writeFlushClose(events);
            assertTargetHolds(events);
        }
    }

    /** Updates replace the row; unchanged columns keep their value. */
    @Nested
    public class Updates {

        @Test
        void afterImageWins() throws Exception {
            ChangeEvent created = insert(ORDERS, order(1, "new", "10.00", "first"));
            ChangeEvent paid = update(ORDERS, order(1, "paid", "10.00", null));
            ChangeEvent shipped = update(ORDERS, order(1, "shipped", "12.00", "late"));
            ChangeEvent other = insert(ORDERS, order(2, "new", "5.00", null));
            Sink sink = openSink();
            writeAndFlush(sink, List.of(created, other));
            writeAndFlush(sink, List.of(paid));
            writeAndFlush(sink, List.of(shipped));
            sink.close();
            assertTargetHolds(List.of(created, other, paid, shipped));
        }

        @Test
        void severalUpdatesOfOneKeyInOneBatch() throws Exception {
            List<ChangeEvent> events = List.of(
                    insert(ORDERS, order(1, "new", "1.00", null)),
                    update(ORDERS, order(1, "paid", "1.00", null)),
                    update(ORDERS, order(1, "shipped", "1.00", "done")));
            writeFlushClose(events);
            assertTargetHolds(events);
        }

        @Test
        void updateOfAKeyTheTargetDoesNotHoldWritesTheRow() throws Exception {
            List<ChangeEvent> events = List.of(update(ORDERS, order(7, "paid", "70.00", null)));
            writeFlushClose(events);
            assertTargetHolds(events);
        }

        @Test
        void unchangedColumnsKeepTheirValue() throws Exception {
            ChangeEvent created = insert(ORDERS, order(1, "new", "10.00", "a long note kept out of line"));
            ChangeEvent paid = update(ORDERS, order(1, "paid", "10.00", Unchanged.VALUE));
            if (!has(SinkCapability.UNCHANGED_COLUMNS)) {
                Sink sink = openSink();
                writeAndFlush(sink, List.of(created));
                assertFailsClearly(SinkCapability.UNCHANGED_COLUMNS, sink, List.of(paid));
                sink.close();
                assertNoUnchangedText();
                return;
            }
            Sink sink = openSink();
            writeAndFlush(sink, List.of(created));
            writeAndFlush(sink, List.of(paid));
            sink.close();
            assertTargetHolds(List.of(created, paid));
            assertNoUnchangedText();
        }

        @Test
        void unchangedColumnsKeepTheValueWrittenEarlierInTheSameBatch() throws Exception {
            assumeTrue(has(SinkCapability.UNCHANGED_COLUMNS),
                    "without UNCHANGED_COLUMNS, unchangedColumnsKeepTheirValue asserts that such events fail");
            List<ChangeEvent> events = List.of(
                    insert(ORDERS, order(1, "new", "10.00", "written in this batch")),
                    update(ORDERS, order(1, "paid", "11.00", Unchanged.VALUE)));
            writeFlushClose(events);
            assertTargetHolds(events);
            assertNoUnchangedText();
        }
    }

    /** Deletes remove the row. */
    @Nested
    public class Deletes {

        @Test
        void deleteRemovesTheRow() throws Exception {
            ChangeEvent one = insert(ORDERS, order(1, "new", "1.00", null));
            ChangeEvent two = insert(ORDERS, order(2, "new", "2.00", null));
            ChangeEvent three = insert(ORDERS, order(3, "new", "3.00", null));
            ChangeEvent deleteWithBefore = delete(ORDERS, order(1, "new", "1.00", null));
            ChangeEvent deleteKeyOnly = deleteKey(ORDERS, Row.of("id", 3L));
            if (!has(SinkCapability.DELETES)) {
                Sink sink = openSink();
                writeAndFlush(sink, List.of(one, two, three));
                assertFailsClearly(SinkCapability.DELETES, sink, List.of(deleteWithBefore));
                return;
            }
            Sink sink = openSink();
            writeAndFlush(sink, List.of(one, two, three));
            writeAndFlush(sink, List.of(deleteWithBefore, deleteKeyOnly));
            sink.close();
            assertTargetHolds(List.of(one, two, three, deleteWithBefore, deleteKeyOnly));
        }

        @Test
        void deleteOfAMissingKeyIsFine() throws Exception {
            assumeTrue(has(SinkCapability.DELETES),
                    "without DELETES, deleteRemovesTheRow asserts that deletes fail clearly");
            List<ChangeEvent> events = List.of(
                    insert(ORDERS, order(1, "new", "1.00", null)),
                    deleteKey(ORDERS, Row.of("id", 99L)));
            writeFlushClose(events);
            assertTargetHolds(events);
        }

        @Test
        void insertAfterDeleteRestoresTheRow() throws Exception {
            assumeTrue(has(SinkCapability.DELETES),
                    "without DELETES, deleteRemovesTheRow asserts that deletes fail clearly");
            List<ChangeEvent> events = List.of(
                    insert(ORDERS, order(1, "new", "1.00", null)),
                    deleteKey(ORDERS, Row.of("id", 1L)),
                    insert(ORDERS, order(1, "again", "2.00", null)));
            writeFlushClose(events);
            assertTargetHolds(events);
        }
    }
}
