package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.schema.TypeKind;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** An ALTER TABLE mid-stream becomes a schema-change event right before the first row of the new shape. */
class SchemaChangeIT extends PgTestBase {

    @Test
    void addAndDropColumnMidStreamEmitSchemaChangesBetweenTheOldAndNewRows() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec("INSERT INTO " + t + " VALUES (1, 1)",
                "ALTER TABLE " + t + " ADD COLUMN note text",
                "INSERT INTO " + t + " VALUES (2, 2, 'new shape')",
                "ALTER TABLE " + t + " DROP COLUMN v",
                "INSERT INTO " + t + " VALUES (3, 'no v')");
        await("3 rows", () -> of(r, t).size() == 3, Duration.ofSeconds(30));
        List<StreamEvent> stream = r.context().events().stream().filter(e -> e.table().name().equals(t)).toList();

        int first = rowIndex(stream, 1L);
        int second = rowIndex(stream, 2L);
        int third = rowIndex(stream, 3L);
        SchemaChangeEvent added = schemaChangeBetween(stream, first, second);
        assertThat(added.after()).get().satisfies(s -> {
            assertThat(s.columnNames()).containsExactly("id", "v", "note");
            assertThat(s.column("note")).get().satisfies(c -> assertThat(c.type().kind()).isEqualTo(TypeKind.STRING));
        });
        SchemaChangeEvent dropped = schemaChangeBetween(stream, second, third);
        assertThat(dropped.after()).get().satisfies(s -> assertThat(s.columnNames()).containsExactly("id", "note"));
        assertThat(((ChangeEvent) stream.get(second)).after()).get()
                .satisfies(row -> assertThat(row.get("note")).isEqualTo("new shape"));
        assertThat(((ChangeEvent) stream.get(third)).after()).get()
                .satisfies(row -> assertThat(row.columns()).containsExactly("id", "note"));
        for (int i = 1; i < stream.size(); i++) {
            assertThat(stream.get(i).position()).as("positions increase").isGreaterThan(stream.get(i - 1).position());
        }
    }
}
