package dev.cdc.source.postgres;

import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.decoding.ColumnRenames;
import dev.cdc.source.postgres.decoding.EventAssembler;
import dev.cdc.source.postgres.decoding.RelationMessage;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.source.postgres.types.PgType;
import dev.cdc.source.postgres.types.TypeRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Renames come from attnums known on both sides, and a schema change then lists the diff with them. */
class ColumnRenamesTest {

    private static final TypeRegistry TYPES = TypeRegistry.of(List.of(
            new PgType(23, "int4", 'b', 'N', 0, 0, -1), new PgType(25, "text", 'b', 'S', 0, 0, -1)));

    private static TableSchema schema(String... names) {
        List<Column> columns = new ArrayList<>();
        for (String n : names) {
            columns.add(Column.of(n, DataType.int32()));
        }
        return new TableSchema(TableId.of("public", "t"), columns, List.of(names[0]));
    }

    @Test
    void sameAttnumAnotherNameIsARename() {
        assertThat(ColumnRenames.between(schema("id", "a"), List.of(1, 2), schema("id", "b"), List.of(1, 2)))
                .isEqualTo(Map.of("a", "b"));
        // a dropped (2) and b added (3): no rename
        assertThat(ColumnRenames.between(schema("id", "a"), List.of(1, 2), schema("id", "b"), List.of(1, 3)))
                .isEmpty();
    }

    @Test
    void theChangesAreTheDiffWithTheRenames() {
        List<SchemaChange> changes = ColumnRenames.changes(schema("id", "a"), List.of(1, 2),
                schema("id", "b", "c"), List.of(1, 2, 3));
        assertThat(changes).containsExactly(new SchemaChange.RenameColumn("a", "b"),
                new SchemaChange.AddColumn(Column.of("c", DataType.int32()), Optional.of("b")));
        // a rename onto a name another rename frees is ordered after it
        assertThat(ColumnRenames.changes(schema("id", "a", "b"), List.of(1, 2, 3), schema("id", "b", "c"),
                List.of(1, 2, 3))).containsExactly(new SchemaChange.RenameColumn("b", "c"),
                new SchemaChange.RenameColumn("a", "b"));
    }

    @Test
    void noRenamesOrASwapLeaveTheDiffToTheEngine() {
        assertThat(ColumnRenames.changes(schema("id", "a"), List.of(1, 2), schema("id", "a", "x"),
                List.of(1, 2, 3))).isEmpty();
        assertThat(ColumnRenames.changes(schema("id", "a", "b"), List.of(1, 2, 3), schema("id", "b", "a"),
                List.of(1, 2, 3))).isEmpty();
    }

    private static RelationMessage relation(String... names) {
        List<RelationMessage.Column> columns = new ArrayList<>();
        for (String n : names) {
            columns.add(new RelationMessage.Column(n.equals("id"), n, 23, -1));
        }
        return new RelationMessage(16384, "public", "t", 'd', columns);
    }

    /** The assembler with attnums 1..n for every Relation message (a table that never lost a column). */
    private static EventAssembler assembler(List<StreamEvent> out, boolean attnumsKnown) {
        return new EventAssembler((r, xid) -> CapturedTable.of(r, Optional.empty(), TYPES).withAttnums(attnumsKnown
                ? Optional.of(java.util.stream.IntStream.rangeClosed(1, r.columns().size()).boxed().toList())
                : Optional.empty()), t -> true, out::add);
    }

    private static void row(EventAssembler a, long lsn, RelationMessage relation, int n) throws Exception {
        a.begin(lsn, 0, 700);
        a.relation(relation);
        Object[] tuple = new Object[relation.columns().size()];
        java.util.Arrays.fill(tuple, Integer.toString(n));
        a.insert(16384, tuple);
        a.commit(lsn, lsn + 8, 0);
    }

    @Test
    void theAssemblerReportsARenameWhenBothShapesAttnumsAreKnown() throws Exception {
        List<StreamEvent> out = new ArrayList<>();
        EventAssembler a = assembler(out, true);
        a.knowSchema(CapturedTable.of(relation("id", "a"), Optional.empty(), TYPES).schema());
        row(a, PgPosition.parseLsn("0/5000"), relation("id", "a"), 1);
        row(a, PgPosition.parseLsn("0/6000"), relation("id", "b"), 2);
        List<SchemaChangeEvent> changes = out.stream().filter(SchemaChangeEvent.class::isInstance)
                .map(SchemaChangeEvent.class::cast).toList();
        assertThat(changes).hasSize(1);
        assertThat(changes.get(0).changes()).containsExactly(new SchemaChange.RenameColumn("a", "b"));
        assertThat(out.indexOf(changes.get(0))).isEqualTo(1);
        // the resume point is the commit LSN and index; the change's own LSN and the database ride along
        assertThat(changes.get(0).position().offsets()).containsEntry("lsn", "0/6000").containsEntry("index", "0");
        assertThat(changes.get(0).position().sortKey())
                .isEqualTo(PgPosition.stream(PgPosition.parseLsn("0/6000"), 0).sortKey());
    }

    @Test
    void theShapeKnownAtStartOrUnknownAttnumsGiveNoRename() throws Exception {
        // the shape read from the catalog at start may be ahead of the log: its attnums are not taken
        List<StreamEvent> out = new ArrayList<>();
        EventAssembler a = assembler(out, true);
        a.knowSchema(CapturedTable.of(relation("id", "a"), Optional.empty(), TYPES).schema());
        row(a, PgPosition.parseLsn("0/6000"), relation("id", "b"), 2);
        assertThat(((SchemaChangeEvent) out.get(0)).changes()).isEmpty();

        List<StreamEvent> unknown = new ArrayList<>();
        EventAssembler u = assembler(unknown, false);
        row(u, PgPosition.parseLsn("0/5000"), relation("id", "a"), 1);
        row(u, PgPosition.parseLsn("0/6000"), relation("id", "b"), 2);
        assertThat(unknown.stream().filter(SchemaChangeEvent.class::isInstance)
                .map(e -> ((SchemaChangeEvent) e).changes())).allMatch(List::isEmpty).hasSize(2);
    }
}
