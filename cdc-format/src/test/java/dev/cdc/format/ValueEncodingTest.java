package dev.cdc.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.cdc.format.Events.COMMIT;
import static dev.cdc.format.Events.ORDERS;
import static dev.cdc.format.Events.POSITION;
import static dev.cdc.format.Events.parse;
import static org.assertj.core.api.Assertions.assertThat;

/** The value table of docs/envelope.md, checked in both formats by parsing the output back. */
class ValueEncodingTest {

    /** Writes {@code value} as column "v" of an insert and returns the parsed column, in the format given. */
    private static JsonNode roundTrip(EnvelopeFormat f, Object value) {
        Row row = Row.builder().put("v", value).build();
        ChangeEvent e = ChangeEvent.insert(ORDERS, Row.empty(), row, COMMIT, POSITION);
        return parse(Events.writer(f).toBytes(e)).get("after").get("v");
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void integersAndBooleansAreJsonNumbersAndBooleans(EnvelopeFormat f) {
        assertThat(roundTrip(f, Long.MAX_VALUE).longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(roundTrip(f, Long.MAX_VALUE).isIntegralNumber()).isTrue();
        assertThat(roundTrip(f, Long.MIN_VALUE).longValue()).isEqualTo(Long.MIN_VALUE);
        assertThat(roundTrip(f, Integer.MIN_VALUE).intValue()).isEqualTo(Integer.MIN_VALUE);
        assertThat(roundTrip(f, (short) -32768).intValue()).isEqualTo(-32768);
        assertThat(roundTrip(f, (byte) 7).intValue()).isEqualTo(7);
        assertThat(roundTrip(f, true).isBoolean()).isTrue();
        assertThat(roundTrip(f, false).booleanValue()).isFalse();
        assertThat(roundTrip(f, null).isNull()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void decimalsAreExactPlainStrings(EnvelopeFormat f) {
        BigDecimal big = new BigDecimal("12345678901234567890.123456789");
        BigDecimal scientific = new BigDecimal("1E+5");
        BigDecimal trailingZeros = new BigDecimal("10.500");

        JsonNode n = roundTrip(f, big);

        assertThat(n.isTextual()).isTrue();
        assertThat(new BigDecimal(n.asText())).isEqualTo(big);
        assertThat(n.asText()).isEqualTo("12345678901234567890.123456789");
        assertThat(roundTrip(f, scientific).asText()).isEqualTo("100000");
        assertThat(new BigDecimal(roundTrip(f, trailingZeros).asText())).isEqualTo(trailingZeros).hasScaleOf(3);
        assertThat(roundTrip(f, new BigDecimal("-0.000000001")).asText()).isEqualTo("-0.000000001");
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void floatingPointIsANumberOrANamedString(EnvelopeFormat f) {
        for (double d : new double[] {0.1, -2.5e-300, 1.7976931348623157e308, 123456.789, -0.0}) {
            JsonNode n = roundTrip(f, d);
            assertThat(n.isNumber()).as("%s", d).isTrue();
            assertThat(Double.parseDouble(n.asText())).isEqualTo(d);
        }
        assertThat(Float.parseFloat(roundTrip(f, 0.1f).asText())).isEqualTo(0.1f);
        assertThat(roundTrip(f, Double.NaN).asText()).isEqualTo("NaN");
        assertThat(roundTrip(f, Double.NaN).isTextual()).isTrue();
        assertThat(roundTrip(f, Double.POSITIVE_INFINITY).asText()).isEqualTo("Infinity");
        assertThat(roundTrip(f, Double.NEGATIVE_INFINITY).asText()).isEqualTo("-Infinity");
        assertThat(roundTrip(f, Float.NaN).asText()).isEqualTo("NaN");
        assertThat(roundTrip(f, Float.NEGATIVE_INFINITY).asText()).isEqualTo("-Infinity");
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void stringsAndBytes(EnvelopeFormat f) {
        String tricky = "quote \" backslash \\ newline \n tab \t nul \u0000 é 中 😀";
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }

        assertThat(roundTrip(f, tricky).asText()).isEqualTo(tricky);
        JsonNode b = roundTrip(f, bytes);
        assertThat(b.isTextual()).isTrue();
        assertThat(Base64.getDecoder().decode(b.asText())).isEqualTo(bytes);
        assertThat(roundTrip(f, new byte[0]).asText()).isEmpty();
        assertThat(roundTrip(f, "hi".getBytes(StandardCharsets.UTF_8)).asText()).isEqualTo("aGk=");
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void temporalValuesAreIsoStrings(EnvelopeFormat f) {
        assertThat(roundTrip(f, LocalDate.of(2026, 1, 2)).asText()).isEqualTo("2026-01-02");
        assertThat(roundTrip(f, LocalTime.of(13, 45, 0, 123_456_000)).asText()).isEqualTo("13:45:00.123456");
        assertThat(roundTrip(f, LocalTime.of(13, 45)).asText()).isEqualTo("13:45:00");
        assertThat(roundTrip(f, LocalTime.of(1, 2, 3, 500_000_000)).asText()).isEqualTo("01:02:03.500");
        assertThat(roundTrip(f, LocalTime.of(1, 2, 3, 1)).asText()).isEqualTo("01:02:03.000000001");
        assertThat(roundTrip(f, LocalDateTime.of(2026, 1, 2, 13, 45, 0, 123_456_000)).asText())
                .isEqualTo("2026-01-02T13:45:00.123456");
        assertThat(roundTrip(f, LocalDateTime.of(2026, 1, 2, 0, 0)).asText()).isEqualTo("2026-01-02T00:00:00");
        assertThat(roundTrip(f, OffsetDateTime.of(2026, 1, 2, 13, 45, 0, 0, ZoneOffset.ofHours(2))).asText())
                .isEqualTo("2026-01-02T13:45:00+02:00");
        assertThat(roundTrip(f, OffsetDateTime.of(2026, 1, 2, 13, 45, 0, 1_000, ZoneOffset.UTC)).asText())
                .isEqualTo("2026-01-02T13:45:00.000001Z");
        assertThat(roundTrip(f, OffsetTime.of(8, 0, 0, 0, ZoneOffset.ofHoursMinutes(-5, -30))).asText())
                .isEqualTo("08:00:00-05:30");
        assertThat(roundTrip(f, Instant.parse("2026-01-02T13:45:00.123456Z")).asText())
                .isEqualTo("2026-01-02T13:45:00.123456Z");
        assertThat(roundTrip(f, Instant.EPOCH).asText()).isEqualTo("1970-01-01T00:00:00Z");
    }

    @Test
    void temporalStringsParseBackToTheSameValue() {
        LocalDateTime ldt = LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_999);
        LocalTime lt = LocalTime.of(0, 0, 0, 10_000);
        OffsetDateTime odt = OffsetDateTime.of(ldt, ZoneOffset.ofHours(-8));
        Instant i = Instant.ofEpochSecond(-1, 1_000_000);

        assertThat(LocalDateTime.parse(roundTrip(EnvelopeFormat.CDC, ldt).asText())).isEqualTo(ldt);
        assertThat(LocalTime.parse(roundTrip(EnvelopeFormat.CDC, lt).asText())).isEqualTo(lt);
        assertThat(OffsetDateTime.parse(roundTrip(EnvelopeFormat.CDC, odt).asText())).isEqualTo(odt);
        assertThat(Instant.parse(roundTrip(EnvelopeFormat.CDC, i).asText())).isEqualTo(i);
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void uuidsListsArraysAndMaps(EnvelopeFormat f) {
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("a", 1L);
        map.put(2, List.of("x", new BigDecimal("1.10")));
        map.put("nil", null);

        assertThat(roundTrip(f, id).asText()).isEqualTo(id.toString());
        JsonNode list = roundTrip(f, List.of(1L, List.of("a", "b"), new BigDecimal("0.1"), Double.NaN));
        assertThat(list.isArray()).isTrue();
        assertThat(list.get(0).longValue()).isEqualTo(1L);
        assertThat(list.get(1).get(1).asText()).isEqualTo("b");
        assertThat(list.get(2).asText()).isEqualTo("0.1");
        assertThat(list.get(3).asText()).isEqualTo("NaN");
        assertThat(roundTrip(f, new String[] {"x", null}).get(1).isNull()).isTrue();
        assertThat(roundTrip(f, new int[] {1, 2, 3}).get(2).intValue()).isEqualTo(3);
        assertThat(roundTrip(f, new long[] {Long.MAX_VALUE}).get(0).longValue()).isEqualTo(Long.MAX_VALUE);
        assertThat(roundTrip(f, new double[] {Double.POSITIVE_INFINITY, 1.5}).get(0).asText()).isEqualTo("Infinity");
        assertThat(roundTrip(f, new boolean[] {true}).get(0).booleanValue()).isTrue();
        assertThat(roundTrip(f, new short[] {4}).get(0).intValue()).isEqualTo(4);
        assertThat(roundTrip(f, new float[] {Float.NaN}).get(0).asText()).isEqualTo("NaN");
        assertThat(roundTrip(f, new char[] {'z'}).get(0).asText()).isEqualTo("z");
        assertThat(roundTrip(f, Arrays.asList(new byte[] {1, 2})).get(0).asText()).isEqualTo("AQI=");
        JsonNode m = roundTrip(f, map);
        assertThat(m.get("a").longValue()).isEqualTo(1L);
        assertThat(m.get("2").get(1).asText()).isEqualTo("1.10");
        assertThat(m.get("nil").isNull()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = EnvelopeFormat.class, names = "CDC") // the debezium format converts values as Debezium does: DebeziumRecordsTest
    void anythingElseIsItsToString(EnvelopeFormat f) {
        Object custom = new Object() {
            @Override
            public String toString() {
                return "PT5S custom";
            }
        };

        assertThat(roundTrip(f, custom).asText()).isEqualTo("PT5S custom");
        assertThat(roundTrip(f, new BigInteger("123456789012345678901234567890")).asText())
                .isEqualTo("123456789012345678901234567890");
        assertThat(roundTrip(f, java.time.Duration.ofSeconds(5)).asText()).isEqualTo("PT5S");
    }
}
