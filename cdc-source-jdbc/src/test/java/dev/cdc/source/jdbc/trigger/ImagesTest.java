package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.schema.DataType;
import dev.cdc.source.jdbc.catalog.JdbcTypes;
import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The row images the triggers write, read back exactly. */
class ImagesTest {

    @Test
    void scalarsKeepTheirTextNestedJsonItsTextAndEscapesAreDecoded() {
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("id", "12345678901234567890");
        expected.put("amount", "10.50");
        expected.put("name", "a \"quoted\"\\ name\nwith é and \u0001");
        expected.put("none", null);
        expected.put("flag", "true");
        expected.put("doc", "{\"a\": [1, \"}\", {\"b\": null}]}");
        expected.put("tags", "[\"x\",\"y\"]");
        expected.put("ts", "2026-01-02T13:45:00.123456");
        assertThat(Images.parse("{\"id\":12345678901234567890, \"amount\": 10.50,\"name\":\"a \\\"quoted\\\"\\\\ name\\nwith"
                + " \\u00e9 and \\u0001\",\"none\":null,\"flag\":true,\"doc\":{\"a\": [1, \"}\", {\"b\": null}]},"
                + "\"tags\":[\"x\",\"y\"],\"ts\":\"2026-01-02T13:45:00.123456\"}")).containsExactlyEntriesOf(expected);
        assertThat(Images.parse(" { } ")).isEmpty();
    }

    @Test
    void anImageInTheTablesColumnOrderIsReadWithoutAMapAndAnyOtherIsLeftToTheMap() {
        String json = "{\"id\": 7, \"name\": \"a \\\"b\\\"\", \"none\": null}";
        assertThat(Images.inOrder(json, List.of("id", "name", "none"))).containsExactly("7", "a \"b\"", null);
        assertThat(Images.inOrder(json, List.of("id", "none", "name"))).as("another order").isNull();
        assertThat(Images.inOrder(json, List.of("id", "name"))).as("a column more").isNull();
        assertThat(Images.inOrder(json, List.of("id", "name", "none", "note"))).as("a column less").isNull();
        assertThat(Images.inOrder("{\"id\":1}", List.of("i"))).as("a prefix of the name").isNull();
    }

    @Test
    void timestampsParseAsJavaTimeDoesInEveryFormTheTriggersWrite() {
        for (String t : List.of("2026-01-02T13:45:00", "2026-01-02 13:45:00.1", "2026-01-02T13:45:00.123456",
                "2026-01-02T13:45:00.123456789", "0001-12-31 23:59:59.5")) {
            assertThat(JdbcTypes.parse(t, DataType.timestamp())).as(t)
                    .isEqualTo(LocalDateTime.parse(t.replace(' ', 'T')));
        }
        for (String t : List.of("2026-01-02T13:45:00.123456+00:00", "2026-01-02 13:45:00+02", "2026-01-02T13:45:00Z",
                "2026-01-02T13:45:00.5-05:30", "2026-01-02T13:45:00+01:02:03")) {
            String iso = t.replace(' ', 'T').replaceAll("([+-]\\d\\d)$", "$1:00");
            assertThat(JdbcTypes.parse(t, DataType.timestampTz())).as(t).isEqualTo(OffsetDateTime.parse(iso).toInstant());
        }
        assertThatThrownBy(() -> JdbcTypes.parse("2026-02-30 00:00:00", DataType.timestamp()))
                .isInstanceOf(DateTimeException.class);
    }

    @Test
    void aBrokenImageIsAClearError() {
        assertThatThrownBy(() -> Images.parse("{\"id\" 1}")).isInstanceOf(CdcException.class)
                .hasMessageContaining("not a JSON object");
    }
}
