package dev.cdc.plugins.transform;

import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.spi.Transformer;
import dev.cdc.format.EnvelopeHeaders;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.cdc.plugins.filter.SampleEvents.USERS;
import static dev.cdc.plugins.filter.SampleEvents.context;
import static dev.cdc.plugins.filter.SampleEvents.delete;
import static dev.cdc.plugins.filter.SampleEvents.insert;
import static dev.cdc.plugins.filter.SampleEvents.schemaChange;
import static dev.cdc.plugins.filter.SampleEvents.truncate;
import static dev.cdc.plugins.filter.SampleEvents.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnwrapTransformerTest {

    private final UnwrapFactory factory = new UnwrapFactory();

    private Transformer transformer(Map<String, ?> options) {
        return factory.create(context(factory, options));
    }

    @Test
    void marksEventsUnwrappedWithoutTouchingTheirRows() {
        ChangeEvent in = update(USERS, 1);
        ChangeEvent copy = update(USERS, 1);
        ChangeEvent out = transformer(Map.of()).apply(in).orElseThrow();
        assertThat(out).isNotSameAs(in);
        assertThat(in).isEqualTo(copy);
        assertThat(in.headers()).isEmpty();
        assertThat(out.header(EnvelopeHeaders.ENVELOPE)).contains(EnvelopeHeaders.UNWRAPPED);
        assertThat(out.header(EnvelopeHeaders.DELETE_HANDLING)).isEmpty();
        assertThat(out.before()).isEqualTo(in.before());
        assertThat(out.after()).isEqualTo(in.after());
    }

    @Test
    void deletesAreTombstonesByDefault() {
        ChangeEvent out = transformer(Map.of()).apply(delete(USERS, 1)).orElseThrow();
        assertThat(out.header(EnvelopeHeaders.ENVELOPE)).contains(EnvelopeHeaders.UNWRAPPED);
        assertThat(out.header(EnvelopeHeaders.DELETE_HANDLING)).contains(EnvelopeHeaders.DELETE_TOMBSTONE);
    }

    @Test
    void deletesCanBeRewrittenOrDropped() {
        assertThat(transformer(Map.of("delete-handling", "rewrite")).apply(delete(USERS, 1)).orElseThrow()
                .header(EnvelopeHeaders.DELETE_HANDLING)).contains(EnvelopeHeaders.DELETE_REWRITE);
        Transformer drop = transformer(Map.of("delete-handling", "DROP"));
        assertThat(drop.apply(delete(USERS, 1))).isEmpty();
        assertThat(drop.apply(insert(USERS, 1))).isPresent();
    }

    @Test
    void truncatesAreKeptUnlessAskedOtherwise() {
        assertThat(transformer(Map.of()).apply(truncate(USERS)).orElseThrow().header(EnvelopeHeaders.ENVELOPE))
                .contains(EnvelopeHeaders.UNWRAPPED);
        assertThat(transformer(Map.of("drop-truncates", true)).apply(truncate(USERS))).isEmpty();
    }

    @Test
    void schemaChangesPassUnchanged() {
        SchemaChangeEvent change = schemaChange(USERS);
        assertThat(transformer(Map.of("delete-handling", "drop", "drop-truncates", "true")).applySchemaChange(change))
                .containsSame(change);
    }

    @Test
    void optionsAreValidated() {
        assertThatThrownBy(() -> context(factory, Map.of("delete-handling", "ignore", "drop-truncates", "maybe")))
                .isInstanceOfSatisfying(ConfigurationException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage()).contains("tombstone, rewrite, drop").contains("true or false");
                });
    }
}
