package dev.cdc.source.jdbc.catalog;

import dev.cdc.api.schema.DataType;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class JdbcTypesTest {

    @Test
    void timestampTextIsTheStandardLiteralAndParsesBackExactly() {
        assertEquals("2026-12-06 23:19:04.123456", JdbcTypes.timestampText(LocalDateTime.of(2026, 12, 6, 23, 19, 4,
                123_456_000)));
        assertEquals("0001-01-01 00:00:00", JdbcTypes.timestampText(LocalDateTime.of(1, 1, 1, 0, 0, 0, 0)));
        assertEquals("9999-12-31 23:59:59.000000001", JdbcTypes.timestampText(LocalDateTime.of(9999, 12, 31, 23, 59,
                59, 1)));
        assertEquals("2020-02-29 07:08:09.5", JdbcTypes.timestampText(LocalDateTime.of(2020, 2, 29, 7, 8, 9,
                500_000_000)));
        for (int nano : new int[] {0, 1, 10, 999_999_999, 123_000, 100_000_000, 42_424_242}) {
            LocalDateTime t = LocalDateTime.of(1987, 6, 5, 4, 3, 2, nano);
            assertEquals(t, JdbcTypes.parse(JdbcTypes.timestampText(t), DataType.timestamp()), "nano " + nano);
        }
    }

    @Test
    void yearsOutsideTheLiteralsRangeAreLeftToTheDriver() {
        assertNull(JdbcTypes.timestampText(LocalDateTime.of(10_000, 1, 1, 0, 0)));
        assertNull(JdbcTypes.timestampText(LocalDateTime.of(0, 1, 1, 0, 0)));
        assertNull(JdbcTypes.timestampText(LocalDateTime.of(-44, 3, 15, 12, 0)));
    }
}
