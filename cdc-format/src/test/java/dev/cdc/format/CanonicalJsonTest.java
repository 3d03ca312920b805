package dev.cdc.format;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalJsonTest {

    private static String of(String json, String... drop) {
        return CanonicalJson.of(json.getBytes(StandardCharsets.UTF_8), Set.of(drop));
    }

    @Test
    void fieldOrderAndWhiteSpaceDoNotMatterAnywhere() {
        assertThat(of("{\"b\": 1, \"a\": {\"y\": [1, {\"q\":2,\"p\":1}], \"x\": null}}"))
                .isEqualTo(of("{\"a\":{\"x\":null,\"y\":[1,{\"p\":1,\"q\":2}]},\"b\":1}"))
                .isEqualTo("{\"a\":{\"x\":null,\"y\":[1,{\"p\":1,\"q\":2}]},\"b\":1}");
    }

    @Test
    void numbersStayExactlyAsWrittenSoEdgeValuesCompareExactly() {
        assertThat(of("{\"d\":0.10}")).isEqualTo("{\"d\":0.10}").isNotEqualTo(of("{\"d\":0.1}"));
        assertThat(of("{\"i\":123456789012345678901234567890}")).isEqualTo("{\"i\":123456789012345678901234567890}");
        assertThat(of("{\"s\":\"1\"}")).isNotEqualTo(of("{\"s\":1}"));
    }

    @Test
    void droppedTopLevelFieldsAndTextsOfAHash() {
        assertThat(of("{\"__cdc_sort_key\":\"00ff\",\"a\":1}", "__cdc_sort_key")).isEqualTo("{\"a\":1}");
        assertThat(CanonicalJson.ofTexts(Map.of("b", "2", "a", "x"))).isEqualTo("{\"a\":\"x\",\"b\":\"2\"}");
        assertThat(CanonicalJson.field("{\"k\":\"v\"}".getBytes(StandardCharsets.UTF_8), "k")).contains("v");
        assertThat(CanonicalJson.field("nope".getBytes(StandardCharsets.UTF_8), "k")).isEmpty();
    }
}
