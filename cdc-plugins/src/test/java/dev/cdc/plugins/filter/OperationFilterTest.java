package dev.cdc.plugins.filter;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.Operation;
import dev.cdc.api.spi.Filter;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static dev.cdc.plugins.filter.SampleEvents.USERS;
import static dev.cdc.plugins.filter.SampleEvents.context;
import static dev.cdc.plugins.filter.SampleEvents.delete;
import static dev.cdc.plugins.filter.SampleEvents.insert;
import static dev.cdc.plugins.filter.SampleEvents.read;
import static dev.cdc.plugins.filter.SampleEvents.schemaChange;
import static dev.cdc.plugins.filter.SampleEvents.truncate;
import static dev.cdc.plugins.filter.SampleEvents.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperationFilterTest {

    private final OperationFilterFactory factory = new OperationFilterFactory();

    private OperationFilter filter(Map<String, ?> options) {
        return (OperationFilter) factory.create(context(factory, options));
    }

    @Test
    void keepsEveryOperationByDefault() {
        assertThat(filter(Map.of()).kept()).containsExactlyInAnyOrder(Operation.values());
    }

    @Test
    void includeAndExcludeAcceptNamesCodesAndAliases() {
        Filter f = filter(Map.of("include", List.of("insert", "u", "DELETE", "snapshot"), "exclude", "d"));
        assertThat(f.test(insert(USERS, 1))).isTrue();
        assertThat(f.test(update(USERS, 1))).isTrue();
        assertThat(f.test(read(USERS, 1))).isTrue();
        assertThat(f.test(delete(USERS, 1))).as("exclude wins").isFalse();
        assertThat(f.test(truncate(USERS))).as("not included").isFalse();
    }

    @Test
    void schemaChangesAlwaysPass() {
        Filter f = new OperationFilter(EnumSet.of(Operation.CREATE), EnumSet.of(Operation.CREATE));
        assertThat(f.test(insert(USERS, 1))).isFalse();
        assertThat(f.testSchemaChange(schemaChange(USERS))).isTrue();
    }

    @Test
    void rejectsUnknownOperations() {
        assertThatThrownBy(() -> context(factory, Map.of("include", List.of("create", "upsert"))))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.path()).isEqualTo("include");
                        assertThat(p.message()).contains("upsert").contains("truncate (t)");
                    });
                });
        assertThatThrownBy(() -> context(factory, Map.of("exclude", "merge")))
                .isInstanceOf(ConfigurationException.class);
    }
}
