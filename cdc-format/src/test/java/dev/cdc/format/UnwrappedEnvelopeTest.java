package dev.cdc.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.Unchanged;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static dev.cdc.format.CdcEnvelopeTest.fieldNames;
import static dev.cdc.format.CdcEnvelopeTest.texts;
import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.ORDERS;
import static dev.cdc.format.Events.POSITION;
import static dev.cdc.format.Events.parse;
import static org.assertj.core.api.Assertions.assertThat;

class UnwrappedEnvelopeTest {

    private static ChangeEvent unwrapped(ChangeEvent e) {
        return e.withHeader(EnvelopeHeaders.ENVELOPE, EnvelopeHeaders.UNWRAPPED);
    }

    private static JsonNode write(EnvelopeFormat f, ChangeEvent e) {
        return parse(Events.writer(f).toBytes(e));
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void insertIsKeyAndAfterRow(EnvelopeFormat f) {
        ChangeEvent e = unwrapped(ChangeEvent.insert(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "name", "a"), COMMIT,
                POSITION));

        JsonNode n = write(f, e);

        assertThat(fieldNames(n)).containsExactly("key", "value");
        assertThat(n.get("key").get("id").longValue()).isEqualTo(1L);
        assertThat(fieldNames(n.get("value"))).containsExactly("id", "name");
        assertThat(n.get("value").get("name").asText()).isEqualTo("a");
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void deleteIsATombstoneByDefault(EnvelopeFormat f) {
        ChangeEvent e = unwrapped(ChangeEvent.delete(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "n", 2), COMMIT,
                POSITION));

        JsonNode n = write(f, e);

        assertThat(n.get("value").isNull()).isTrue();
        assertThat(n.get("key").get("id").longValue()).isEqualTo(1L);
        assertThat(write(f, e.withHeader(EnvelopeHeaders.DELETE_HANDLING, EnvelopeHeaders.DELETE_TOMBSTONE))
                .get("value").isNull()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void rewrittenDeleteIsTheBeforeRowMarkedDeleted(EnvelopeFormat f) {
        ChangeEvent delete = unwrapped(ChangeEvent.delete(ORDERS, Row.of("id", 1L), Row.of("id", 1L, "n", 2), COMMIT,
                POSITION)).withHeader(EnvelopeHeaders.DELETE_HANDLING, EnvelopeHeaders.DELETE_REWRITE);
        ChangeEvent keyOnly = unwrapped(ChangeEvent.delete(ORDERS, Row.of("id", 5L), null, COMMIT, POSITION))
                .withHeader(EnvelopeHeaders.DELETE_HANDLING, EnvelopeHeaders.DELETE_REWRITE);
        ChangeEvent insert = unwrapped(ChangeEvent.insert(ORDERS, Row.of("id", 1L), Row.of("id", 1L), COMMIT,
                POSITION)).withHeader(EnvelopeHeaders.DELETE_HANDLING, EnvelopeHeaders.DELETE_REWRITE);

        JsonNode d = write(f, delete).get("value");
        JsonNode k = write(f, keyOnly).get("value");
        JsonNode i = write(f, insert).get("value");

        assertThat(fieldNames(d)).containsExactly("id", "n", "__deleted");
        assertThat(d.get("n").intValue()).isEqualTo(2);
        assertThat(d.get("__deleted").booleanValue()).isTrue();
        assertThat(k.get("id").longValue()).isEqualTo(5L);
        assertThat(k.get("__deleted").booleanValue()).isTrue();
        assertThat(i.get("__deleted").isBoolean()).isTrue();
        assertThat(i.get("__deleted").booleanValue()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void truncateStaysWrapped(EnvelopeFormat f) {
        ChangeEvent e = unwrapped(ChangeEvent.truncate(ORDERS, COMMIT, POSITION));

        JsonNode n = write(f, e);

        assertThat(n.get("op").asText()).isEqualTo("t");
        assertThat(EnvelopeWriter.isUnwrapped(e)).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void unchangedColumnsFollowTheFormat(EnvelopeFormat f) {
        ChangeEvent e = unwrapped(ChangeEvent.update(ORDERS, Row.of("id", 1L), null,
                Row.of("id", 1L, "doc", Unchanged.VALUE), COMMIT, POSITION));

        JsonNode n = write(f, e);

        if (f == EnvelopeFormat.CDC) {
            assertThat(fieldNames(n.get("value"))).containsExactly("id");
            assertThat(texts(n.get("unchanged"))).containsExactly("doc");
        } else {
            assertThat(n.get("value").get("doc").asText()).isEqualTo("__debezium_unavailable_value");
            assertThat(n.has("unchanged")).isFalse();
        }
    }
}
