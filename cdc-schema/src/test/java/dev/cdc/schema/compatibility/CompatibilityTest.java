package dev.cdc.schema.compatibility;

import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.SchemaChangeKind;
import dev.cdc.api.schema.TableSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static dev.cdc.schema.compatibility.Compatibility.BACKWARD;
import static dev.cdc.schema.compatibility.Compatibility.BREAKING;
import static dev.cdc.schema.compatibility.Compatibility.FORWARD;
import static dev.cdc.schema.compatibility.Compatibility.FULL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class CompatibilityTest {

    private static final TableId T = TableId.of("shop", "orders");
    private static final TableSchema BEFORE = new TableSchema(T, List.of(
            Column.notNull("id", DataType.int64()),
            Column.of("note", DataType.string()),
            Column.notNull("status", DataType.string()).withDefault("'new'"),
            Column.notNull("qty", DataType.int32())), List.of("id"));

    static Stream<Arguments> verdicts() {
        return Stream.of(
                arguments(new SchemaChange.CreateTable(BEFORE), FULL),
                arguments(new SchemaChange.AddColumn(Column.of("email", DataType.string()), Optional.of("qty")), FULL),
                arguments(new SchemaChange.AddColumn(Column.notNull("n", DataType.int32()).withDefault("0"),
                        Optional.empty()), FULL),
                arguments(new SchemaChange.AddColumn(Column.notNull("n", DataType.int32()), Optional.empty()), FORWARD),
                arguments(new SchemaChange.DropColumn("note"), FULL),
                arguments(new SchemaChange.DropColumn("status"), FULL),
                arguments(new SchemaChange.DropColumn("qty"), BACKWARD),
                arguments(new SchemaChange.DropColumn("unknown"), BACKWARD),
                arguments(new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()), BACKWARD),
                arguments(new SchemaChange.AlterColumnType("qty", DataType.int64(), DataType.int32()), FORWARD),
                arguments(new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.date()), BREAKING),
                arguments(new SchemaChange.AlterColumnType("qty", DataType.parse("decimal(10)"), DataType.decimal(10, 0)), FULL),
                arguments(new SchemaChange.AlterColumnNullability("qty", true), BACKWARD),
                arguments(new SchemaChange.AlterColumnNullability("note", false), FORWARD),
                arguments(new SchemaChange.AlterColumnDefault("qty", Optional.of("1")), FULL),
                arguments(new SchemaChange.AlterColumnDefault("status", Optional.empty()), FULL),
                arguments(new SchemaChange.RenameColumn("note", "remark"), BREAKING),
                arguments(new SchemaChange.AlterPrimaryKey(List.of("id"), List.of("id", "qty")), BREAKING),
                arguments(new SchemaChange.DropTable(T), BREAKING),
                arguments(new SchemaChange.RenameTable(T, T.withName("orders_old")), BREAKING));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("verdicts")
    void verdictOfEachChange(SchemaChange change, Compatibility expected) {
        assertThat(Compatibility.of(change, Optional.of(BEFORE))).isEqualTo(expected);
    }

    @Test
    void theTableCoversEveryChangeKind() {
        Set<SchemaChangeKind> kinds = EnumSet.noneOf(SchemaChangeKind.class);
        verdicts().forEach(a -> kinds.add(((SchemaChange) a.get()[0]).kind()));
        assertThat(kinds).containsExactlyInAnyOrder(SchemaChangeKind.values());
    }

    @Test
    void aDropWithoutTheOldSchemaIsJudgedAsADropOfARequiredColumn() {
        assertThat(Compatibility.of(new SchemaChange.DropColumn("note"), Optional.empty())).isEqualTo(BACKWARD);
    }

    @ParameterizedTest(name = "{0} and {1} is {2}")
    @CsvSource({
            "FULL, FULL, FULL", "FULL, BACKWARD, BACKWARD", "FORWARD, FULL, FORWARD", "BACKWARD, BACKWARD, BACKWARD",
            "FORWARD, FORWARD, FORWARD", "BACKWARD, FORWARD, BREAKING", "FORWARD, BACKWARD, BREAKING",
            "FULL, BREAKING, BREAKING", "BREAKING, FULL, BREAKING"})
    void combining(Compatibility a, Compatibility b, Compatibility expected) {
        assertThat(a.and(b)).isEqualTo(expected);
        assertThat(Compatibility.overall(List.of(a, b))).isEqualTo(expected);
    }

    @Test
    void anEmptyMigrationIsFull() {
        assertThat(Compatibility.overall(List.of())).isEqualTo(FULL);
    }

    private static final List<SchemaChange> COMPATIBLE = List.of(
            new SchemaChange.AddColumn(Column.of("email", DataType.string()), Optional.empty()),
            new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.int64()));
    private static final List<SchemaChange> WITH_BREAKING = List.of(
            new SchemaChange.AddColumn(Column.of("email", DataType.string()), Optional.empty()),
            new SchemaChange.AlterColumnType("qty", DataType.int32(), DataType.date()));
    private static final List<SchemaChange> CREATE = List.of(new SchemaChange.CreateTable(BEFORE));

    static Stream<Arguments> decisions() {
        return Stream.of(
                arguments(SchemaPolicy.EVOLVE, COMPATIBLE, PolicyDecision.APPLY),
                arguments(SchemaPolicy.EVOLVE, WITH_BREAKING, PolicyDecision.APPLY),
                arguments(SchemaPolicy.EVOLVE_COMPATIBLE, COMPATIBLE, PolicyDecision.APPLY),
                arguments(SchemaPolicy.EVOLVE_COMPATIBLE, WITH_BREAKING, PolicyDecision.STOP),
                arguments(SchemaPolicy.IGNORE, COMPATIBLE, PolicyDecision.SKIP),
                arguments(SchemaPolicy.IGNORE, WITH_BREAKING, PolicyDecision.SKIP),
                arguments(SchemaPolicy.FAIL, COMPATIBLE, PolicyDecision.STOP),
                arguments(SchemaPolicy.FAIL, WITH_BREAKING, PolicyDecision.STOP),
                arguments(SchemaPolicy.FAIL, CREATE, PolicyDecision.APPLY),
                arguments(SchemaPolicy.IGNORE, CREATE, PolicyDecision.APPLY),
                arguments(SchemaPolicy.FAIL, List.of(), PolicyDecision.APPLY),
                arguments(SchemaPolicy.MANUAL, COMPATIBLE, PolicyDecision.HOLD),
                arguments(SchemaPolicy.MANUAL, WITH_BREAKING, PolicyDecision.HOLD),
                arguments(SchemaPolicy.MANUAL, CREATE, PolicyDecision.APPLY));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @MethodSource("decisions")
    void policyDecisions(SchemaPolicy policy, List<SchemaChange> changes, PolicyDecision expected) {
        List<Compatibility> verdicts = Compatibility.of(changes, Optional.of(BEFORE));
        assertThat(policy.decide(changes, verdicts)).isEqualTo(expected);
        assertThat(policy.decide(changes, verdicts.toArray(Compatibility[]::new))).isEqualTo(expected);
    }

    @Test
    void aDecisionNeedsOneVerdictPerChange() {
        assertThatThrownBy(() -> SchemaPolicy.EVOLVE.decide(COMPATIBLE, FULL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 verdicts for 2 changes");
    }

    @Test
    void policyTags() {
        assertThat(SchemaPolicy.EVOLVE_COMPATIBLE.tag()).isEqualTo("evolve-compatible");
        for (SchemaPolicy p : SchemaPolicy.values()) {
            assertThat(SchemaPolicy.fromTag(p.tag())).isEqualTo(p);
        }
        assertThatThrownBy(() -> SchemaPolicy.fromTag("evolve_compatible"))
                .hasMessageContaining("'evolve_compatible'")
                .hasMessageContaining("[evolve, evolve-compatible, ignore, fail, manual]");
        assertThat(SchemaPolicy.DEFAULT).isEqualTo(SchemaPolicy.EVOLVE_COMPATIBLE);
    }
}
