package dev.cdc.source.postgres;

import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table that joins the publication while the source is down, or whose detection a crash cut off
 * before the engine stored its backfill request, is found again at the restart: the source
 * compares the tables captured now with those it recorded as covered ({@code captured-tables.txt}
 * in its state directory), and asks again with the same id.
 */
class CapturedTablesIT extends PgTestBase {

    private static final Duration LONG = Duration.ofSeconds(120);

    @Test
    void aTableThatJoinedWhileDownIsBackfilledAtRestartWithTheSameIdAfterACrash() throws Exception {
        String a = table("a", "id bigint PRIMARY KEY, v bigint NOT NULL");
        SourceRunner first = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec("INSERT INTO " + a + " VALUES (1, 1)");
        await("the stream", () -> of(first, a).size() == 1, LONG);
        Position checkpoint = last(first);
        first.close();
        Path file = target.directory().resolve("state").resolve("source").resolve("captured-tables.txt");
        byte[] before = Files.readAllBytes(file);
        assertThat(Files.readString(file)).contains(a).doesNotContain(target.name("b"));

        // while the source is down: b gets rows and joins the publication, so its rows never reach the stream
        String b = table("b", "id bigint PRIMARY KEY, v bigint NOT NULL");
        Pg.exec("INSERT INTO " + b + " SELECT g, g FROM generate_series(1, 500) g",
                "ALTER PUBLICATION " + slot + " ADD TABLE " + b);
        SourceRunner second = start(options("snapshot-mode", "never"), Optional.of(checkpoint));
        await("the backfill of b", () -> !second.context().backfillIds().isEmpty()
                && second.context().backfills().isEmpty(), LONG);
        List<String> ids = second.context().backfillIds();
        assertThat(ids).singleElement().asString().startsWith("capture-" + slot + "-public." + b + "-g");
        Pg.exec("UPDATE " + b + " SET v = v + 1 WHERE id <= 10");
        await("the streamed updates", () -> count(second, b, Operation.UPDATE) == 10, LONG);
        assertThat(fold(of(second, b))).isEqualTo(tableState(b));
        List<StreamEvent> ofB = second.context().events().stream().filter(e -> e.table().name().equals(b)).toList();
        assertThat(ofB.get(0)).as("b's schema comes before its first row").isInstanceOf(SchemaChangeEvent.class);
        second.close();
        assertThat(Files.readString(file)).contains(b);

        // a crash after the request, before the file was replaced: found again, asked with the same id
        Files.write(file, before);
        SourceRunner third = start(options("snapshot-mode", "never"), Optional.of(checkpoint));
        await("the request", () -> !third.context().backfillIds().isEmpty(), LONG);
        assertThat(third.context().backfillIds()).isEqualTo(ids);
        third.close();

        // recorded now: a restart asks for nothing
        SourceRunner fourth = start(options("snapshot-mode", "never"), Optional.of(checkpoint));
        Pg.exec("INSERT INTO " + a + " VALUES (2, 2)");
        await("the stream", () -> of(fourth, a).stream().anyMatch(e -> Long.valueOf(2).equals(e.key().get("id"))), LONG);
        assertThat(fourth.context().backfillIds()).isEmpty();
    }

    private static Position last(SourceRunner r) {
        List<StreamEvent> events = r.context().events();
        return events.get(events.size() - 1).position();
    }
}
