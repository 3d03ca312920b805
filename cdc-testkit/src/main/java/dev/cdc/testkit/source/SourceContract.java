package dev.cdc.testkit.source;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.assertion.CanonicalRows;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * The conformance kit every source plugin's test extends. A subclass supplies the factory,
 * options that point the source at this test's {@link TestTarget}, and a {@link SourceDriver}
 * that changes the real database:
 *
 * <pre>{@code
 * class PostgresSourceContractIT extends SourceContract {
 *     protected SourceFactory factory() { return new PostgresSourceFactory(); }
 *     protected Map<String, Object> options(TestTarget t) {
 *         return Map.of("url", Services.postgresJdbcUrl(), "slot", t.name(), "tables", "public." + t.name() + "_.*");
 *     }
 *     protected SourceDriver driver() { return new JdbcDriver(Services.postgresJdbcUrl(), "public"); }
 * }
 * }</pre>
 *
 * <h2>What is asserted</h2>
 * Changes arrive in commit order, each naming its table, with key and values in the logical
 * types ({@code bigint} a {@code Long}, {@code decimal} a {@code BigDecimal}) and strictly
 * increasing {@link Position#sortKey()}s; a restart with a resume position delivers exactly the
 * events after it, with the positions they had, then new ones; stopping is prompt; {@code close()}
 * is idempotent; the factory is well declared and registered.
 *
 * <h2>Conventions</h2>
 * Every table the kit creates is in {@link SourceDriver#namespace()} and named
 * {@code target.name("a")}, {@code target.name("b")}: options may select tables by the prefix
 * {@link TestTarget#name()}. Tables are created before the source is opened, and changes are
 * made after {@code open} returned: a source must fix where it starts reading by then. Events of
 * other tables and schema change events are ignored.
 *
 * <h2>Threads</h2>
 * The source runs on a {@link SourceRunner} thread; the test thread drives the database and
 * calls {@code commit}, as the engine's checkpoint thread would.
 */
public abstract class SourceContract {

    private final List<SourceRunner> runners = new ArrayList<>();
    private final List<TableId> tables = new ArrayList<>();
    private TestTarget target;
    private SourceDriver driver;

    /** The factory under test. */
    protected abstract SourceFactory factory();

    /** Raw options that point a source at this test's target (its tables, a slot or server id of its own). */
    protected abstract Map<String, Object> options(TestTarget target);

    /** A new driver for the database the source reads; closed after each test. */
    protected abstract SourceDriver driver() throws Exception;

    /** What the source can do; all by default. A source without {@link SourceCapability#EVERY_CHANGE} is driven one change at a time. */
    protected Set<SourceCapability> capabilities() {
        return EnumSet.allOf(SourceCapability.class);
    }

    /** Removes what a test left behind (a replication slot, a publication); called after every test. */
    protected void cleanUp(TestTarget target) throws Exception {
    }

    /** How long to wait for expected events. */
    protected Duration eventTimeout() {
        return Duration.ofSeconds(30);
    }

    /** How long to keep watching, once the expected events arrived, for events that must not come. */
    protected Duration quietPeriod() {
        return Duration.ofSeconds(1);
    }

    /**
     * How long {@code run} may take to return once the context says it is stopping; after that,
     * at the end of a test, the source thread is interrupted.
     */
    protected Duration stopTimeout() {
        return Duration.ofSeconds(5);
    }

    /** How long {@code open} may take. */
    protected Duration openTimeout() {
        return Duration.ofSeconds(60);
    }

    @BeforeEach
    final void createTargetAndDriver() throws Exception {
        target = TestTarget.create();
        driver = capabilities().contains(SourceCapability.EVERY_CHANGE) ? driver() : new Paced(driver());
    }

    /**
     * Makes each change only once the running source delivered the previous one, for a source that
     * delivers the latest state of a row rather than every change.
     */
    private final class Paced implements SourceDriver {
        private final SourceDriver inner;

        Paced(SourceDriver inner) {
            this.inner = inner;
        }

        private void paced(TableId table, ThrowingRunnable change) throws Exception {
            SourceRunner runner = runners.isEmpty() ? null : runners.get(runners.size() - 1);
            int before = runner == null ? 0 : (int) runner.context().changeEvents().stream()
                    .filter(e -> e.table().equals(table)).count();
            change.run();
            if (runner != null) {
                runner.context().awaitChanges(e -> e.table().equals(table), before + 1, eventTimeout());
            }
        }

        @Override
        public String namespace() {
            return inner.namespace();
        }

        @Override
        public void createTable(TableId table) throws Exception {
            inner.createTable(table);
        }

        @Override
        public void insert(TableId table, long id, String name, BigDecimal amount) throws Exception {
            paced(table, () -> inner.insert(table, id, name, amount));
        }

        @Override
        public void update(TableId table, long id, String name, BigDecimal amount) throws Exception {
            paced(table, () -> inner.update(table, id, name, amount));
        }

        @Override
        public void delete(TableId table, long id) throws Exception {
            paced(table, () -> inner.delete(table, id));
        }

        @Override
        public void dropTable(TableId table) throws Exception {
            inner.dropTable(table);
        }

        @Override
        public void close() throws Exception {
            inner.close();
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @AfterEach
    final void stopAndCleanUp() throws Exception {
        try {
            for (SourceRunner runner : runners) {
                runner.close();
            }
            for (TableId table : tables) {
                driver.dropTable(table);
            }
            driver.close();
            cleanUp(target);
        } finally {
            runners.clear();
            tables.clear();
            target.deleteDirectory();
        }
    }

    /** Inserts, updates and deletes arrive in commit order. */
    @Nested
    public class Capture {

        @Test
        void changesArriveInCommitOrderWithIncreasingPositions() throws Exception {
            TableId t = createTable("a");
            SourceRunner runner = start(Optional.empty());
            driver.insert(t, 1, "alpha", new BigDecimal("10.50"));
            driver.insert(t, 2, "beta", new BigDecimal("20.00"));
            driver.insert(t, 3, "gamma", null);
            driver.update(t, 2, "beta-2", new BigDecimal("21.25"));
            driver.delete(t, 1);
            List<ChangeEvent> events = awaitExactly(runner, t, 5);
            assertThat(describe(events)).as("change events of %s, in order", t).containsExactly(
                    "CREATE id=1 name=alpha amount=10.5",
                    "CREATE id=2 name=beta amount=20",
                    "CREATE id=3 name=gamma amount=null",
                    "UPDATE id=2 name=beta-2 amount=21.25",
                    "DELETE id=1");
            events.forEach(e -> assertLogicalTypes(t, e));
            assertIncreasingPositions(events);
        }

        @Test
        void eachEventNamesItsTable() throws Exception {
            TableId a = createTable("a");
            TableId b = createTable("b");
            SourceRunner runner = start(Optional.empty());
            driver.insert(a, 1, "in a", BigDecimal.ONE);
            driver.insert(b, 1, "in b", BigDecimal.TEN);
            driver.insert(a, 2, "in a again", null);
            runner.context().awaitChanges(e -> e.table().equals(a) || e.table().equals(b), 3, eventTimeout());
            List<String> seen = runner.context().changeEvents().stream()
                    .filter(e -> e.table().equals(a) || e.table().equals(b))
                    .map(e -> e.table().name() + " " + e.after().map(r -> r.get("name")).orElse(null)).toList();
            assertThat(seen).containsExactly(a.name() + " in a", b.name() + " in b", a.name() + " in a again");
            assertIncreasingPositions(runner.context().changeEvents().stream()
                    .filter(e -> e.table().equals(a) || e.table().equals(b)).toList());
        }
    }

    /** However a source reads, the last event of each row is its latest state. */
    @Nested
    public class LatestState {

        @Test
        void quickSuccessiveChangesEndInTheLatestState() throws Exception {
            TableId t = createTable("a");
            SourceRunner runner = start(Optional.empty());
            SourceDriver unpaced = driver instanceof Paced p ? p.inner : driver;
            unpaced.insert(t, 1, "first", new BigDecimal("1.00"));
            unpaced.update(t, 1, "second", new BigDecimal("2.00"));
            unpaced.update(t, 1, "third", new BigDecimal("3.00"));
            unpaced.insert(t, 2, "other", null);
            runner.context().awaitChanges(e -> e.table().equals(t) && id(e) == 2, 1, eventTimeout());
            runner.context().awaitChanges(e -> e.table().equals(t) && "third".equals(e.after().map(r -> r.get("name"))
                    .orElse(null)), 1, eventTimeout());
            List<ChangeEvent> events = runner.context().changeEvents().stream().filter(e -> e.table().equals(t)).toList();
            ChangeEvent last1 = events.stream().filter(e -> id(e) == 1).reduce((a, b) -> b).orElseThrow();
            assertThat(describe(List.of(last1))).as("the latest state of id 1").containsExactly(
                    (capabilities().contains(SourceCapability.EVERY_CHANGE) ? "UPDATE" : last1.operation())
                            + " id=1 name=third amount=3");
            assertIncreasingPositions(events.stream().filter(e -> id(e) == 1).toList());
        }

        private static long id(ChangeEvent e) {
            return e.key().get("id") instanceof Number n ? n.longValue() : -1;
        }
    }

    /** A restart resumes exactly after the checkpoint: no loss, no duplicate. */
    @Nested
    public class Resume {

        @Test
        void restartAfterAnEventDeliversExactlyTheEventsAfterIt() throws Exception {
            TableId t = createTable("a");
            SourceRunner first = start(Optional.empty());
            driver.insert(t, 1, "alpha", new BigDecimal("1.00"));
            driver.insert(t, 2, "beta", new BigDecimal("2.00"));
            driver.update(t, 1, "alpha-2", new BigDecimal("1.50"));
            driver.insert(t, 3, "gamma", new BigDecimal("3.00"));
            driver.delete(t, 2);
            List<ChangeEvent> before = awaitExactly(first, t, 5);
            Position checkpoint = before.get(1).position();
            first.source().commit(checkpoint);
            first.close();

            SourceRunner second = start(Optional.of(checkpoint));
            driver.insert(t, 4, "delta", new BigDecimal("4.00"));
            List<ChangeEvent> after = awaitExactly(second, t, 4);

            List<String> expected = new ArrayList<>(describe(before.subList(2, 5)));
            expected.add("CREATE id=4 name=delta amount=4");
            assertThat(describe(after)).as("events after a restart from %s (the 2nd event)", checkpoint)
                    .containsExactlyElementsOf(expected);
            assertThat(after.subList(0, 3).stream().map(e -> e.position().sortKey()).toList())
                    .as("an event delivered again keeps its position")
                    .isEqualTo(before.subList(2, 5).stream().map(e -> e.position().sortKey()).toList());
            assertIncreasingPositions(after);
            assertThat(after.get(0).position().sortKey()).isGreaterThan(checkpoint.sortKey());
        }
    }

    /** Stop, close, factory declaration and registration. */
    @Nested
    public class Lifecycle {

        @Test
        void stoppingIsPrompt() throws Exception {
            createTable("a");
            SourceRunner runner = start(Optional.empty());
            Thread.sleep(100);
            assertThat(runner.stop(stopTimeout()))
                    .as("run() returned within %s of isStopping() turning true, without an interrupt", stopTimeout())
                    .isTrue();
            assertThat(runner.failure()).as("what run() threw when asked to stop").isEmpty();
        }

        @Test
        void closeIsIdempotent() throws Exception {
            createTable("a");
            SourceRunner runner = start(Optional.empty());
            assertThat(runner.stop(stopTimeout())).isTrue();
            runner.source().close();
            runner.source().close();
        }

        @Test
        void closeWithoutOpenIsFine() throws Exception {
            Source source = newSource();
            source.close();
            source.close();
        }

        @Test
        void factoryIsWellDeclared() {
            PluginFactoryAssertions.assertWellDeclared(factory());
        }

        @Test
        void factoryIsRegisteredUnderItsType() {
            SourceFactory found = PluginFactoryAssertions.assertRegistered(SourceFactory.class, factory().type(),
                    SourceContract.this.getClass().getClassLoader());
            assertThat(found.getClass()).isEqualTo(factory().getClass());
        }

        @Test
        void optionsForATargetAreValid() {
            assertThatCode(() -> Configuration.of(factory().options(), options(target)))
                    .as("options(target) must bind to the factory's declared options").doesNotThrowAnyException();
        }
    }

    // ---------------------------------------------------------------- for subclasses and groups

    /** This test's target. */
    protected final TestTarget target() {
        return target;
    }

    /** This test's driver. */
    protected final SourceDriver database() {
        return driver;
    }

    /** Creates the table {@code target.name(suffix)}; dropped after the test. */
    protected final TableId createTable(String suffix) throws Exception {
        TableId table = TableId.of(driver.namespace(), target.name(suffix));
        driver.createTable(table);
        tables.add(table);
        return table;
    }

    /** A new source for this test's target, not opened. */
    protected final Source newSource() {
        return factory().create(TestPluginContext.bind(factory(), options(target), target, "source"));
    }

    /** A new source, opened and running on its own thread; closed after the test. */
    protected final SourceRunner start(Optional<Position> resumePosition) throws Exception {
        RecordingSourceContext context = new RecordingSourceContext(TestPluginContext.PIPELINE, resumePosition);
        SourceRunner runner = SourceRunner.start(newSource(), context, openTimeout(), stopTimeout());
        runners.add(runner);
        return runner;
    }

    /** Waits for {@code n} change events of the table, then for the quiet period, and asserts no more came. */
    protected final List<ChangeEvent> awaitExactly(SourceRunner runner, TableId table, int n) throws Exception {
        runner.context().awaitChanges(e -> e.table().equals(table), n, eventTimeout());
        Thread.sleep(quietPeriod().toMillis());
        List<ChangeEvent> events = runner.context().changeEvents().stream().filter(e -> e.table().equals(table))
                .toList();
        assertThat(describe(events)).as("change events of %s: exactly %d, no duplicate or extra", table, n)
                .hasSize(n);
        return events;
    }

    /** {@code CREATE id=1 name=alpha amount=10.5}: the operation and canonical values, for comparing lists. */
    protected static List<String> describe(List<ChangeEvent> events) {
        return events.stream().map(SourceContract::describe).toList();
    }

    private static String describe(ChangeEvent e) {
        String text = e.operation() + " id=" + CanonicalRows.canonical(e.key().get("id"));
        if (e.operation() == Operation.DELETE || e.after().isEmpty()) {
            return text;
        }
        Row after = e.after().get();
        return text + " name=" + after.get("name") + " amount=" + CanonicalRows.canonical(after.get("amount"));
    }

    private static void assertLogicalTypes(TableId table, ChangeEvent e) {
        assertThat(e.table()).isEqualTo(table);
        assertThat(e.key().columns()).as("key columns of %s", e).containsExactly("id");
        assertThat(e.key().get("id")).as("key of %s: bigint is int64, a Long", e).isInstanceOf(Long.class);
        e.after().ifPresent(after -> {
            assertThat(after.columns()).as("columns of %s", e).contains("id", "name", "amount");
            assertThat(after.get("id")).as("id of %s: bigint is int64, a Long", e).isInstanceOf(Long.class);
            assertThat(after.get("name")).as("name of %s: text is a String", e).isInstanceOf(String.class);
            if (after.get("amount") != null) {
                assertThat(after.get("amount")).as("amount of %s: decimal is a BigDecimal", e)
                        .isInstanceOf(BigDecimal.class);
            }
            assertThat(after.hasUnchanged()).as("%s has unchanged columns, but no column is out of line", e).isFalse();
        });
    }

    private static void assertIncreasingPositions(List<ChangeEvent> events) {
        for (int i = 1; i < events.size(); i++) {
            assertThat(events.get(i).position().sortKey())
                    .as("sortKey of event %d (%s) must be greater than that of event %d (%s)", i, events.get(i),
                            i - 1, events.get(i - 1))
                    .isGreaterThan(events.get(i - 1).position().sortKey());
        }
    }
}
