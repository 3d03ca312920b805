package dev.cdc.plugins.filter;

import dev.cdc.api.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TablePatternTest {

    private static boolean matches(String glob, String table) {
        return TablePattern.compile(glob).matches(TableId.parse(table));
    }

    @Test
    void starStaysWithinOneNameSegment() {
        assertThat(matches("public.*", "public.orders")).isTrue();
        assertThat(matches("public.*", "public.a.orders")).isFalse();
        assertThat(matches("public.*", "private.orders")).isFalse();
        assertThat(matches("*.orders", "shop.orders")).isTrue();
        assertThat(matches("*.orders", "orders")).isFalse();
        assertThat(matches("public.order*", "public.orders_2024")).isTrue();
    }

    @Test
    void doubleStarCrossesDots() {
        assertThat(matches("**", "orders")).isTrue();
        assertThat(matches("**", "db.schema.orders")).isTrue();
        assertThat(matches("**.orders", "db.schema.orders")).isTrue();
        assertThat(matches("**.orders", "db.schema.customers")).isFalse();
        assertThat(matches("**.orders", "orders")).isFalse();
    }

    @Test
    void questionMarkIsOneCharacterButNotADot() {
        assertThat(matches("public.order_?", "public.order_1")).isTrue();
        assertThat(matches("public.order_?", "public.order_12")).isFalse();
        assertThat(matches("public?orders", "public.orders")).isFalse();
    }

    @Test
    void otherCharactersAreLiteralAndCaseCounts() {
        assertThat(matches("a+b.c$d", "a+b.c$d")).isTrue();
        assertThat(matches("a+b.c$d", "aab.c$d")).isFalse();
        assertThat(matches("public.Orders", "public.orders")).isFalse();
        assertThat(matches("orders", "orders")).isTrue();
        assertThat(matches("orders", "public.orders")).isFalse();
    }

    @Test
    void invalidGlobsAreReportedWithTheProblem() {
        assertThat(TablePattern.problem("")).contains("is empty");
        assertThat(TablePattern.problem("a..b")).get().asString().contains("empty name segment");
        assertThat(TablePattern.problem(".a")).isPresent();
        assertThat(TablePattern.problem("a.")).isPresent();
        assertThat(TablePattern.problem(" a")).isPresent();
        assertThat(TablePattern.problem("a.*")).isEmpty();
        assertThat(TablePattern.allValid(List.of("a.*", "b"))).isTrue();
        assertThat(TablePattern.allValid(List.of("a.*", "b."))).isFalse();
        assertThatThrownBy(() -> TablePattern.compile("a..b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a..b'").hasMessageContaining("expected a glob");
    }

    @Test
    void anyMatchesChecksEveryPattern() {
        List<TablePattern> patterns = TablePattern.compileAll(List.of("a.x", "b.*"));
        assertThat(TablePattern.anyMatches(patterns, TableId.parse("b.y"))).isTrue();
        assertThat(TablePattern.anyMatches(patterns, TableId.parse("a.y"))).isFalse();
        assertThat(TablePattern.anyMatches(List.of(), TableId.parse("a.x"))).isFalse();
    }
}
