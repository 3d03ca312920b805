package dev.cdc.testkit.sink;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.PartialWriteException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.assertion.CanonicalRows;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/**
 * The fixture of the sink conformance kit, which {@link SinkContract} and its groups share:
 * what a subclass supplies (factory, options, capabilities, view), a fresh {@link TestTarget} and
 * the sinks opened for each test (closed after it), the events the tests build (tables
 * {@link #ORDERS}, {@link #CUSTOMERS}, {@link #ORDER_LINES}; increasing positions) and the
 * assertions that read the target back through the {@link SinkView}. Extend {@link SinkContract},
 * not this class: its constructor is package-private so that no sink runs only part of the kit.
 */
public abstract class SinkContractBase {

    /** A table keyed by {@code id}: columns id, status, total (decimal), note (nullable). */
    protected static final TableId ORDERS = TableId.of("shop", "orders");
    /** A table keyed by {@code id}: columns id, name, vip (boolean). */
    protected static final TableId CUSTOMERS = TableId.of("shop", "customers");
    /** A table keyed by {@code order_id, line_no}: columns order_id, line_no, sku, quantity. */
    protected static final TableId ORDER_LINES = TableId.of("shop", "order_lines");

    /** The commit time of every event the kit builds. */
    static final Instant COMMIT_TIME = Instant.parse("2024-05-01T10:15:30Z");
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

    SinkContractBase() {
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
                            + String.join("\n  ", missing.stream().map(SinkContractBase::describe).toList())
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
                + events.stream().map(SinkContractBase::describe).toList()
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

    /** The lists one after the other. */
    @SafeVarargs
    static <T> List<T> concat(List<? extends T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<? extends T> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }
}
