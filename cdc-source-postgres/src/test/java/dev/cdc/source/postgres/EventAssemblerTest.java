package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.source.postgres.catalog.CapturedTable;
import dev.cdc.source.postgres.decoding.EventAssembler;
import dev.cdc.source.postgres.decoding.RelationMessage;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.source.postgres.types.PgType;
import dev.cdc.source.postgres.types.TypeRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Positions of streamed events must not depend on which Relation messages a session sends: the
 * server resends a transaction after a restart, and the resume point skips events by position.
 */
class EventAssemblerTest {

    private static final TypeRegistry TYPES = TypeRegistry.of(List.of(
            new PgType(23, "int4", 'b', 'N', 0, 0, -1), new PgType(25, "text", 'b', 'S', 0, 0, -1)));
    private static final RelationMessage NARROW = relation(new RelationMessage.Column(true, "id", 23, -1));
    private static final RelationMessage WIDE = relation(new RelationMessage.Column(true, "id", 23, -1),
            new RelationMessage.Column(false, "note", 25, -1));
    private static final long LSN = PgPosition.parseLsn("0/5000");

    private static RelationMessage relation(RelationMessage.Column... columns) {
        return new RelationMessage(16384, "public", "t", 'd', List.of(columns));
    }

    /** Decodes one transaction: an optional Relation message before row {@code relationAt}, then rows. */
    private static List<StreamEvent> transaction(EventAssembler assembler, List<StreamEvent> out,
                                                 Optional<RelationMessage> relation, int relationAt, int rows)
            throws Exception {
        assembler.begin(LSN, 0, 700);
        for (int i = 0; i < rows; i++) {
            if (relation.isPresent() && i == relationAt) {
                assembler.relation(relation.get());
            }
            assembler.insert(16384, relation.orElse(WIDE).columns().size() == 1
                    ? new Object[] {Integer.toString(i)} : new Object[] {Integer.toString(i), "n" + i});
        }
        assembler.commit(LSN, LSN + 8, 0);
        return out;
    }

    private static EventAssembler assembler(List<StreamEvent> out, Optional<CapturedTable> known) throws Exception {
        EventAssembler a = new EventAssembler((r, xid) -> CapturedTable.of(r, Optional.empty(), TYPES), t -> true, out::add);
        if (known.isPresent()) {
            a.knowSchema(known.get().schema());
        }
        return a;
    }

    private static List<String> rowKeys(List<StreamEvent> events) {
        return events.stream().filter(e -> e instanceof ChangeEvent).map(e -> e.position().sortKey()).toList();
    }

    @Test
    void rowPositionsDoNotDependOnRelationMessages() throws Exception {
        CapturedTable wide = CapturedTable.of(WIDE, Optional.empty(), TYPES);
        // first session: the table's shape changed, the Relation message comes before row 0 and is emitted
        List<StreamEvent> first = new ArrayList<>();
        EventAssembler a = assembler(first, Optional.of(CapturedTable.of(NARROW, Optional.empty(), TYPES)));
        a.relation(NARROW);
        transaction(a, first, Optional.of(WIDE), 0, 5);
        assertThat(first.get(0)).isInstanceOf(SchemaChangeEvent.class);
        assertThat(first.get(0).position().sortKey()).isLessThan(first.get(1).position().sortKey());

        // second session knows the new shape already (read from the catalog at start): no schema event
        List<StreamEvent> second = new ArrayList<>();
        transaction(assembler(second, Optional.of(wide)), second, Optional.of(WIDE), 0, 5);
        assertThat(second).allMatch(e -> e instanceof ChangeEvent);
        assertThat(rowKeys(second)).isEqualTo(rowKeys(first));

        // third session: no Relation message in this transaction at all
        List<StreamEvent> third = new ArrayList<>();
        EventAssembler c = assembler(third, Optional.of(wide));
        c.relation(WIDE);
        third.clear();
        transaction(c, third, Optional.empty(), 0, 5);
        assertThat(rowKeys(third)).isEqualTo(rowKeys(first));
    }

    @Test
    void resumingInsideATransactionSkipsExactlyTheDeliveredRows() throws Exception {
        List<StreamEvent> first = new ArrayList<>();
        EventAssembler a = assembler(first, Optional.of(CapturedTable.of(NARROW, Optional.empty(), TYPES)));
        a.relation(NARROW);
        transaction(a, first, Optional.of(WIDE), 2, 6);
        List<ChangeEvent> rows = first.stream().filter(e -> e instanceof ChangeEvent).map(e -> (ChangeEvent) e).toList();
        assertThat(rows).hasSize(6);
        assertThat(first).hasSize(7);
        assertThat(first.get(2)).isInstanceOf(SchemaChangeEvent.class);

        // checkpoint at the 4th row; the restarted session knows the wide shape, so it emits no schema event
        var checkpoint = rows.get(3).position();
        List<StreamEvent> resumed = new ArrayList<>();
        EventAssembler b = assembler(resumed, Optional.of(CapturedTable.of(WIDE, Optional.empty(), TYPES)));
        b.skipUpTo(PgPosition.lsn(checkpoint), PgPosition.index(checkpoint));
        b.relation(WIDE);
        transaction(b, resumed, Optional.empty(), 0, 6);
        assertThat(resumed).hasSize(2);
        assertThat(resumed).map(e -> ((ChangeEvent) e).after().orElseThrow().get("id"))
                .containsExactly(rows.get(4).after().orElseThrow().get("id"), rows.get(5).after().orElseThrow().get("id"));
    }

    @Test
    void aSchemaChangeWaitsForItsTablesNextRow() throws Exception {
        List<StreamEvent> out = new ArrayList<>();
        EventAssembler a = assembler(out, Optional.of(CapturedTable.of(NARROW, Optional.empty(), TYPES)));
        a.begin(LSN, 0, 700);
        a.relation(WIDE);
        assertThat(out).as("nothing before a row needs the new shape").isEmpty();
        a.insert(16384, new Object[] {"1", "x"});
        assertThat(out).hasSize(2);
        SchemaChangeEvent change = (SchemaChangeEvent) out.get(0);
        assertThat(change.table()).isEqualTo(TableId.of("public", "t"));
        assertThat(change.after().orElseThrow().columnNames()).containsExactly("id", "note");
        assertThat(change.position().offsets()).containsEntry("index", "0");
        assertThat(out.get(1).position().offsets()).containsEntry("index", "1");
    }

    @Test
    void reservedMessagesAreNoEventsButKeepTheirIndexSoPositionsDoNotDependOnTheFilter() throws Exception {
        List<StreamEvent> out = new ArrayList<>();
        EventAssembler a = assembler(out, Optional.empty());
        a.messagePrefixes(p -> !p.equals("skipped"));
        a.begin(LSN, 0, 700);
        a.relation(WIDE);
        a.message(true, LSN - 8, "cdc-heartbeat", "now".getBytes());
        a.message(true, LSN - 7, "cdc", "1:1:low".getBytes());
        a.message(true, LSN - 6, "skipped", "x".getBytes());
        a.message(true, LSN - 5, "app", "y".getBytes());
        a.insert(16384, new Object[] {"1", "n"});
        a.commit(LSN, LSN + 8, 0);
        a.message(false, LSN + 16, "cdc-anything", "z".getBytes());
        List<ChangeEvent> changes = out.stream().filter(e -> e instanceof ChangeEvent).map(e -> (ChangeEvent) e).toList();
        assertThat(changes).extracting(e -> e.table().toString() + " " + PgPosition.index(e.position()))
                .containsExactly("pg_logical.message 7", "public.t 9");
        assertThat(changes.get(0).after().get().get("prefix")).isEqualTo("app");
    }
}
