package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.error.CdcException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
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
    void aBrokenImageIsAClearError() {
        assertThatThrownBy(() -> Images.parse("{\"id\" 1}")).isInstanceOf(CdcException.class)
                .hasMessageContaining("not a JSON object");
    }
}
