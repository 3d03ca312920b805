package dev.cdc.launcher.verify;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.BackfillRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RepairsTest {

    private static final TableId TABLE = TableId.of("public", "orders");

    @Test
    void theRequestNamesExactlyTheDifferingKeysAndOnlyTheirSink() {
        BackfillRequest r = Repairs.request("verify-1", TABLE, "search", List.of(
                new Difference(Difference.Kind.MISSING, "3", List.of("3"), List.of()),
                new Difference(Difference.Kind.EXTRA, "[1,\"a\"]", List.of("1", "a"), List.of()),
                new Difference(Difference.Kind.DIFFERENT, "7", List.of("7"), List.of("price")),
                new Difference(Difference.Kind.EXTRA, "garbage", List.of(), List.of()))).orElseThrow();
        assertThat(r.keys()).containsExactly(List.of("3"), List.of("1", "a"), List.of("7"));
        assertThat(r.sinks()).isEqualTo(Set.of("search"));
        assertThat(r.byKeys()).isTrue();
        assertThat(r.where()).isEmpty();
        assertThat(Repairs.body(r).toString()).isEqualTo("{\"id\":\"verify-1\",\"table\":\"public.orders\","
                + "\"keys\":[[\"3\"],[\"1\",\"a\"],[\"7\"]],\"sinks\":[\"search\"]}");
    }

    @Test
    void nothingToRepairByKeyGivesNoRequest() {
        assertThat(Repairs.request("v", TABLE, "s", List.of(new Difference(Difference.Kind.EXTRA, "x", List.of(),
                List.of())))).isEmpty();
    }
}
