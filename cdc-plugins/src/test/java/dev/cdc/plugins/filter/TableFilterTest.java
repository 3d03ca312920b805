package dev.cdc.plugins.filter;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Filter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.cdc.plugins.filter.SampleEvents.context;
import static dev.cdc.plugins.filter.SampleEvents.insert;
import static dev.cdc.plugins.filter.SampleEvents.schemaChange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableFilterTest {

    private final TableFilterFactory factory = new TableFilterFactory();

    private Filter filter(Map<String, ?> options) {
        return factory.create(context(factory, options));
    }

    @Test
    void keepsEveryTableByDefault() {
        Filter f = filter(Map.of());
        assertThat(f.test(insert(TableId.parse("a.b"), 1))).isTrue();
        assertThat(f.test(insert(TableId.parse("x.y.z"), 1))).isTrue();
        assertThat(f.test(insert(TableId.parse("plain"), 1))).isTrue();
        assertThat(TableFilterOptions.INCLUDE.defaultValue()).contains(List.of("**"));
        assertThat(TableFilterOptions.EXCLUDE.defaultValue()).contains(List.of());
    }

    @Test
    void keepsIncludedAndNotExcludedTables() {
        Filter f = filter(Map.of("include", List.of("public.*", "shop.orders"), "exclude", "public.audit_*"));
        assertThat(f.test(insert(TableId.parse("public.users"), 1))).isTrue();
        assertThat(f.test(insert(TableId.parse("shop.orders"), 1))).isTrue();
        assertThat(f.test(insert(TableId.parse("shop.items"), 1))).isFalse();
        assertThat(f.test(insert(TableId.parse("public.audit_log"), 1))).as("exclude wins").isFalse();
    }

    @Test
    void appliesToSchemaChangesToo() {
        Filter f = filter(Map.of("exclude", List.of("**.secret")));
        assertThat(f.testSchemaChange(schemaChange(TableId.parse("public.secret")))).isFalse();
        assertThat(f.testSchemaChange(schemaChange(TableId.parse("public.users")))).isTrue();
        assertThat(f.test(insert(TableId.parse("public.secret"), 1))).isFalse();
    }

    @Test
    void rejectsBadPatternsAndEmptyInclude() {
        assertThatThrownBy(() -> context(factory, Map.of("include", List.of("a..b"), "exclude", List.of("x."))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).extracting(p -> p.path()).containsExactlyInAnyOrder("include", "exclude");
                    assertThat(e.getMessage()).contains("a..b").contains("glob");
                });
        assertThatThrownBy(() -> context(factory, Map.of("include", List.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("omit the option");
        assertThatThrownBy(() -> context(factory, Map.of("includes", "a.*")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("did you mean 'include'");
    }
}
