package dev.cdc.testkit.sink;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.assertion.CanonicalRows;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The conformance kit every sink plugin's test extends (in the style of Micrometer's
 * {@code MeterRegistryCompatibilityKit}). A subclass supplies the factory, options that point
 * the sink at a fresh {@link TestTarget}, the {@link SinkCapability capabilities} it declares,
 * and a {@link SinkView} that reads the target back without the sink:
 *
 * <pre>{@code
 * class RedisSinkContractIT extends SinkContract {
 *     protected SinkFactory factory() { return new RedisSinkFactory(); }
 *     protected Map<String, Object> options(TestTarget t) {
 *         return Map.of("uri", Services.redisUri(), "key-prefix", t.name());
 *     }
 *     protected Set<SinkCapability> capabilities() { return EnumSet.of(STATE, DELETES, ...); }
 *     protected SinkView view(TestTarget t) { return table -> readHashes(t.name(), table); }
 * }
 * }</pre>
 *
 * <h2>What is asserted</h2>
 * Each {@link Nested} group covers one behaviour. A declared capability is asserted to work; an
 * undeclared one is asserted to fail clearly (a {@link CdcException}, not retriable), never
 * skipped. Assumptions are used only where a capability makes a test meaningless, and say why:
 * an order guard for a LOG sink, or a second test of a capability whose absence another test
 * already asserts.
 *
 * <p>Unless a test says otherwise, it writes through one sink instance, calls {@code flush()},
 * {@code close()}, then opens a view: the {@link Durability} group is the one that reads while
 * the sink is still open. Events use the tables {@link #ORDERS}, {@link #CUSTOMERS} (key
 * {@code id}) and {@link #ORDER_LINES} (key {@code order_id, line_no}); positions come from
 * {@link Position#ofSequence} and increase in the order events are built.
 *
 * <h2>Threads</h2>
 * JUnit runs each test on one thread; the kit calls the sink from that thread only, as a lane does.
 */
public abstract class SinkContract {

    /** A table keyed by {@code id}: columns id, status, total (decimal), note (nullable). */
    protected static final TableId ORDERS = TableId.of("shop", "orders");
    /** A table keyed by {@code id}: columns id, name, vip (boolean). */
    protected static final TableId CUSTOMERS = TableId.of("shop", "customers");
    /** A table keyed by {@code order_id, line_no}: columns order_id, line_no, sku, quantity. */
    protected static final TableId ORDER_LINES = TableId.of("shop", "order_lines");

    private static final Instant COMMIT_TIME = Instant.parse("2024-05-01T10:15:30Z");
    private static final String UNCHANGED_TEXT = Unchanged.VALUE.toString();

    private final List<Sink> sinks = new ArrayList<>();
    private TestTarget target;
    private long sequence;

    /** The factory under test. */
    protected abstract SinkFactory factory();

    /** Raw options (as YAML would give them) that point a sink at this test's fresh target only. */
    protected abstract Map<String, Object> options(TestTarget target);

    /** What the sink can do. Exactly one of {@link SinkCapability#STATE} and {@link SinkCapability#LOG}. */
    protected abstract Set<SinkCapability> capabilities();

    /** A new view of the target, opened after the sink flushed. */
    protected abstract SinkView view(TestTarget target) throws Exception;

    /** Removes what a test left in the target (an index, keys); called after every test. */
    protected void cleanUp(TestTarget target) throws Exception {
    }

    @BeforeEach
    final void createTarget() {
        target = TestTarget.create();
        sequence = 1;
    }

    @AfterEach
    final void closeSinksAndCleanUp() throws Exception {
        try {
            for (Sink sink : sinks) {
                sink.close();
            }
            cleanUp(target);
        } finally {
            sinks.clear();
            target.deleteDirectory();
        }
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

    /** TRUNCATE empties one table. */
    @Nested
    public class Truncate {

        @Test
        void truncateEmptiesOnlyThatTable() throws Exception {
            List<ChangeEvent> before = List.of(
                    insert(ORDERS, order(1, "new", "1.00", null)),
                    insert(ORDERS, order(2, "new", "2.00", null)),
                    insert(CUSTOMERS, customer(1, "stays", true)));
            ChangeEvent truncate = ChangeEvent.truncate(ORDERS, COMMIT_TIME, nextPosition());
            if (!has(SinkCapability.TRUNCATE)) {
                Sink sink = openSink();
                writeAndFlush(sink, before);
                assertFailsClearly(SinkCapability.TRUNCATE, sink, List.of(truncate));
                return;
            }
            ChangeEvent after = insert(ORDERS, order(3, "new", "3.00", null));
            Sink sink = openSink();
            writeAndFlush(sink, before);
            writeAndFlush(sink, List.of(truncate, after));
            sink.close();
            assertTargetHolds(concat(before, List.of(truncate, after)));
        }
    }

    /** Declared schema changes are applied; a sink that declares none is left alone by the engine. */
    @Nested
    public class SchemaChanges {

        @Test
        void declaredSchemaChangesMatchTheCapability() throws Exception {
            Set<SchemaChangeKind> supported = newSink().supportedSchemaChanges();
            if (has(SinkCapability.SCHEMA_CHANGES)) {
                assertThat(supported).as("a sink declaring SCHEMA_CHANGES must list them in supportedSchemaChanges()")
                        .isNotEmpty();
            } else {
                assertThat(supported).as("supportedSchemaChanges() of a sink that does not declare SCHEMA_CHANGES")
                        .isEmpty();
            }
        }

        @Test
        void rowsWithAnAddedColumnArriveAfterTheChange() throws Exception {
            Sink sink = openSink();
            Set<SchemaChangeKind> supported = sink.supportedSchemaChanges();
            assumeTrue(supported.contains(SchemaChangeKind.ADD_COLUMN),
                    "the sink does not declare add-column; declaredSchemaChangesMatchTheCapability covers the rest");
            TableSchema v1 = new TableSchema(CUSTOMERS, List.of(
                    Column.notNull("id", new DataType.Simple(TypeKind.INT64)),
                    Column.of("name", new DataType.Simple(TypeKind.STRING)),
                    Column.of("vip", new DataType.Simple(TypeKind.BOOLEAN))), List.of("id"));
            Column email = Column.of("email", new DataType.Simple(TypeKind.STRING));
            TableSchema v2 = v1.withColumns(concat(v1.columns(), List.of(email)));
            if (supported.contains(SchemaChangeKind.CREATE_TABLE)) {
                sink.applySchemaChange(new SchemaChangeEvent(CUSTOMERS, Optional.empty(), Optional.of(v1),
                        List.of(new SchemaChange.CreateTable(v1)), Optional.empty(), nextPosition(), COMMIT_TIME));
            }
            ChangeEvent old = insert(CUSTOMERS, customer(1, "before", false));
            writeAndFlush(sink, List.of(old));
            sink.applySchemaChange(new SchemaChangeEvent(CUSTOMERS, Optional.of(v1), Optional.of(v2),
                    List.of(new SchemaChange.AddColumn(email, Optional.of("vip"))), Optional.empty(), nextPosition(),
                    COMMIT_TIME));
            ChangeEvent withEmail = insert(CUSTOMERS, customer(2, "after", true).with("email", "a@example.org"));
            writeAndFlush(sink, List.of(withEmail));
            sink.close();
            assertTargetHolds(List.of(old, withEmail));
        }
    }

    /** Open, close, factory declaration and registration. */
    @Nested
    public class Lifecycle {

        @Test
        void capabilitiesNameExactlyOneOfStateAndLog() {
            assertThat(has(SinkCapability.STATE) ^ has(SinkCapability.LOG))
                    .as("capabilities() %s must contain exactly one of STATE and LOG", capabilities()).isTrue();
        }

        @Test
        void factoryIsWellDeclared() {
            PluginFactoryAssertions.assertWellDeclared(factory());
        }

        @Test
        void factoryIsRegisteredUnderItsType() {
            SinkFactory found = PluginFactoryAssertions.assertRegistered(SinkFactory.class, factory().type(),
                    SinkContract.this.getClass().getClassLoader());
            assertThat(found.getClass()).isEqualTo(factory().getClass());
        }

        @Test
        void optionsForATargetAreValid() {
            assertThatCode(() -> Configuration.of(factory().options(), options(target)))
                    .as("options(target) must bind to the factory's declared options").doesNotThrowAnyException();
        }

        @Test
        void openFlushCloseWithoutWriting() throws Exception {
            Sink sink = openSink();
            sink.flush();
            sink.close();
        }

        @Test
        void closeIsIdempotent() throws Exception {
            Sink sink = openSink();
            writeAndFlush(sink, List.of(insert(ORDERS, order(1, "new", "1.00", null))));
            sink.close();
            sink.close();
        }

        @Test
        void closeWithoutOpenIsFine() throws Exception {
            Sink sink = newSink();
            sink.close();
            sink.close();
        }
    }

    // ---------------------------------------------------------------- for subclasses and groups

    /** This test's target. */
    protected final TestTarget target() {
        return target;
    }

    protected final boolean has(SinkCapability capability) {
        return capabilities().contains(capability);
    }

    /** A new sink for this test's target, not opened; closed after the test. */
    protected final Sink newSink() {
        Sink sink = factory().create(TestPluginContext.bind(factory(), options(target), target, "sink"));
        sinks.add(sink);
        return sink;
    }

    /** A new, opened sink for this test's target; closed after the test. */
    protected final Sink openSink() throws Exception {
        Sink sink = newSink();
        sink.open();
        return sink;
    }

    protected static void writeAndFlush(Sink sink, List<ChangeEvent> events) throws Exception {
        sink.write(events);
        sink.flush();
    }

    /** Opens a new sink, writes, flushes and closes it. */
    protected final void writeFlushClose(List<ChangeEvent> events) throws Exception {
        Sink sink = openSink();
        writeAndFlush(sink, events);
        sink.close();
    }

    /** The next position: every call is later than the one before. */
    protected final Position nextPosition() {
        return Position.ofSequence(sequence++);
    }

    protected final ChangeEvent insert(TableId table, Row row) {
        return ChangeEvent.insert(table, keyOf(table, row), row, COMMIT_TIME, nextPosition());
    }

    protected final ChangeEvent update(TableId table, Row after) {
        return ChangeEvent.update(table, keyOf(table, after), null, after, COMMIT_TIME, nextPosition());
    }

    /** A delete that carries the before row. */
    protected final ChangeEvent delete(TableId table, Row before) {
        return ChangeEvent.delete(table, keyOf(table, before), before, COMMIT_TIME, nextPosition());
    }

    /** A delete that carries only the key, as PostgreSQL sends by default. */
    protected final ChangeEvent deleteKey(TableId table, Row key) {
        return ChangeEvent.delete(table, key, null, COMMIT_TIME, nextPosition());
    }

    /** A row of {@link #ORDERS}; {@code note} may be null or {@link Unchanged#VALUE}. */
    protected static Row order(long id, String status, String total, Object note) {
        return Row.of("id", id, "status", status, "total", new BigDecimal(total), "note", note);
    }

    /** A row of {@link #CUSTOMERS}. */
    protected static Row customer(long id, String name, boolean vip) {
        return Row.of("id", id, "name", name, "vip", vip);
    }

    /** A row of {@link #ORDER_LINES}. */
    protected static Row line(long orderId, int lineNo, String sku, long quantity) {
        return Row.of("order_id", orderId, "line_no", lineNo, "sku", sku, "quantity", quantity);
    }

    private static Row keyOf(TableId table, Row row) {
        return row.project(table.equals(ORDER_LINES) ? List.of("order_id", "line_no") : List.of("id"));
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

    // ---------------------------------------------------------------- assertions

    /**
     * The target holds what these deliveries (in this order) must leave: for a STATE sink the
     * final rows of every table the events touch, by key (replaying older events is a no-op when
     * the sink declares an order guard); for a LOG sink, every event at least once.
     */
    protected final void assertTargetHolds(List<ChangeEvent> deliveries) throws Exception {
        if (has(SinkCapability.STATE)) {
            ExpectedState expected = ExpectedState.after(deliveries, has(SinkCapability.ORDER_GUARD));
            try (SinkView view = view(target)) {
                SinkView.State state = stateView(view);
                for (TableId table : expected.tables()) {
                    assertThat(actualRows(state, table, expected))
                            .as("rows of %s in the target (canonical values; expected state: %s)", table, expected)
                            .isEqualTo(expected.rows(table));
                }
            }
        } else {
            try (SinkView view = view(target)) {
                List<LogEntry> entries = logView(view).entries();
                List<ChangeEvent> missing = deliveries.stream().filter(e -> entries.stream()
                        .noneMatch(entry -> matches(entry, e))).toList();
                if (!missing.isEmpty()) {
                    fail("the log lacks " + missing.size() + " event(s) that were flushed:\n  "
                            + String.join("\n  ", missing.stream().map(SinkContract::describe).toList())
                            + "\nentries in the log:\n  "
                            + String.join("\n  ", entries.stream().limit(50).map(Object::toString).toList()));
                }
            }
        }
    }

    /** A STATE target holds exactly these rows for the table. */
    protected final void assertRows(TableId table, List<Row> rows) throws Exception {
        ExpectedState expected = ExpectedState.after(rows.stream()
                .map(r -> ChangeEvent.insert(table, keyOf(table, r), r, COMMIT_TIME, Position.ofSequence(0))).toList(),
                false);
        try (SinkView view = view(target)) {
            assertThat(actualRows(stateView(view), table, expected)).as("rows of %s in the target", table)
                    .isEqualTo(expected.rows(table));
        }
    }

    /**
     * Writing (and flushing) the events fails with a {@link CdcException} that is not retriable,
     * because the sink does not declare the capability they need.
     */
    protected final void assertFailsClearly(SinkCapability missing, Sink sink, List<ChangeEvent> events) {
        Throwable thrown = catchThrowable(() -> writeAndFlush(sink, events));
        String what = "sink '" + factory().type() + "' does not declare " + missing + ", so writing "
                + events.stream().map(SinkContract::describe).toList()
                + " must fail with a CdcException (best a NotSupportedException naming what is not supported),"
                + " never be ignored";
        assertThat(thrown).as(what).isInstanceOf(CdcException.class);
        assertThat(thrown.getMessage()).as("message of %s", thrown).isNotBlank();
        assertThat(thrown).as("an unsupported event does not become supported by retrying: " + what)
                .isNotInstanceOf(RetriableException.class);
        if (thrown instanceof PartialWriteException partial) {
            assertThat(partial.allRetriable()).as("failures of %s", partial.failures()).isFalse();
        }
    }

    /** No value anywhere in the target is the text {@code "<unchanged>"}. */
    protected final void assertNoUnchangedText() throws Exception {
        try (SinkView view = view(target)) {
            List<Row> rows = new ArrayList<>();
            if (view instanceof SinkView.State state) {
                for (TableId t : List.of(ORDERS, CUSTOMERS, ORDER_LINES)) {
                    rows.addAll(state.rows(t));
                }
            } else {
                logView(view).entries().forEach(e -> e.after().ifPresent(rows::add));
            }
            for (Row row : rows) {
                assertThat(row.asMap().values()).as("values of %s: the marker for an unchanged column must never be"
                        + " written as text", row).doesNotContain(UNCHANGED_TEXT);
            }
        }
    }

    private static Map<Map<String, Object>, Map<String, Object>> actualRows(SinkView.State view, TableId table,
                                                                          ExpectedState expected) throws Exception {
        List<String> keyColumns = expected.keyColumns(table);
        Collection<String> columns = expected.columns(table);
        Map<Map<String, Object>, Map<String, Object>> actual = new LinkedHashMap<>();
        for (Row row : view.rows(table)) {
            Map<String, Object> key = CanonicalRows.project(row, keyColumns);
            Map<String, Object> previous = actual.put(key, CanonicalRows.project(row, columns));
            if (previous != null) {
                fail("the target holds two rows of " + table + " with key " + key + ": " + previous + " and "
                        + actual.get(key) + "; a write of an existing key must replace the row (upsert)");
            }
        }
        return actual;
    }

    private static boolean matches(LogEntry entry, ChangeEvent event) {
        if (entry.operation() != event.operation() || !entry.table().equals(event.table())
                || !CanonicalRows.of(entry.key()).equals(CanonicalRows.of(event.key()))) {
            return false;
        }
        if (event.after().isEmpty()) {
            return true;
        }
        Row after = event.after().get();
        return entry.after().map(a -> CanonicalRows.project(a, after.columns()).equals(CanonicalRows.of(after)))
                .orElse(false);
    }

    private SinkView.State stateView(SinkView view) {
        if (view instanceof SinkView.State state) {
            return state;
        }
        throw new AssertionError("the sink declares STATE, so view(target) must return a SinkView.State, not "
                + view.getClass().getName());
    }

    private SinkView.Log logView(SinkView view) {
        if (view instanceof SinkView.Log log) {
            return log;
        }
        throw new AssertionError("the sink declares LOG, so view(target) must return a SinkView.Log, not "
                + view.getClass().getName());
    }

    private static String describe(ChangeEvent e) {
        return e.operation() + " " + e.table() + " " + e.key() + e.after().map(a -> " " + a).orElse("") + " at "
                + e.position().sortKey();
    }

    @SafeVarargs
    private static <T> List<T> concat(List<? extends T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<? extends T> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }
}
