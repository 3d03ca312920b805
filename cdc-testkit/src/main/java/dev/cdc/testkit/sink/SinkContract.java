package dev.cdc.testkit.sink;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
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
 * <p>The groups live in one class per theme, which this class extends: {@link RowContract} (what
 * one delivery leaves: writes, updates, deletes), {@link DeliveryContract} (replays, late events,
 * durability), and this class (truncate, schema changes, lifecycle); {@link SinkContractBase}
 * holds the fixture, the events and the assertions they share.
 *
 * <p>Unless a test says otherwise, it writes through one sink instance, calls {@code flush()},
 * {@code close()}, then opens a view: the {@link DeliveryContract.Durability} group is the one
 * that reads while the sink is still open. Events use the tables {@link #ORDERS},
 * {@link #CUSTOMERS} (key {@code id}) and {@link #ORDER_LINES} (key {@code order_id, line_no});
 * positions come from {@link Position#ofSequence} and increase in the order events are built.
 *
 * <h2>Threads</h2>
 * JUnit runs each test on one thread; the kit calls the sink from that thread only, as a lane does.
 */
public abstract class SinkContract extends DeliveryContract {

    /** For subclasses: each supplies the factory, options, capabilities and view. */
    protected SinkContract() {
    }

    // ---------------------------------------------------------------- groups

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
            assertThatCode(() -> Configuration.of(factory().options(), options(target())))
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
}
