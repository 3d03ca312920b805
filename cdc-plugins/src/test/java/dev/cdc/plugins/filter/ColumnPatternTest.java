package dev.cdc.plugins.filter;

import dev.cdc.api.event.TableId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnPatternTest {

    private static final TableId USERS = TableId.parse("public.users");
    private static final TableId ORDERS = TableId.parse("shop.orders");

    @Test
    void bareColumnGlobMatchesInEveryTable() {
        ColumnPattern p = ColumnPattern.compile("password");
        assertThat(p.matches(USERS, "password")).isTrue();
        assertThat(p.matches(ORDERS, "password")).isTrue();
        assertThat(p.matches(USERS, "password2")).isFalse();
        assertThat(p.appliesTo(ORDERS)).isTrue();

        ColumnPattern suffix = ColumnPattern.compile("*_token");
        assertThat(suffix.matches(USERS, "api_token")).isTrue();
        assertThat(suffix.matches(USERS, "token")).isFalse();
    }

    @Test
    void qualifiedGlobMatchesOnlyItsTables() {
        ColumnPattern p = ColumnPattern.compile("public.users.email");
        assertThat(p.matches(USERS, "email")).isTrue();
        assertThat(p.matches(ORDERS, "email")).isFalse();
        assertThat(p.appliesTo(ORDERS)).isFalse();

        ColumnPattern any = ColumnPattern.compile("**.ssn");
        assertThat(any.matches(TableId.parse("a.b.people"), "ssn")).isTrue();
        assertThat(any.matches(TableId.parse("people"), "ssn")).isTrue();

        ColumnPattern star = ColumnPattern.compile("*.users.e?ail");
        assertThat(star.matches(USERS, "email")).isTrue();
        assertThat(star.matches(USERS, "emails")).isFalse();
        assertThat(star.matches(TableId.parse("x.y.users"), "email")).isFalse();
    }

    @Test
    void invalidGlobsAreRejected() {
        assertThat(ColumnPattern.problem("public.users.")).isPresent();
        assertThat(ColumnPattern.allValid(java.util.List.of("a", "b.c.d"))).isTrue();
        assertThatThrownBy(() -> ColumnPattern.compile(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
    }
}
