package dev.cdc.source.postgres;

import dev.cdc.jdbc.snapshot.SnapshotState;
import dev.cdc.jdbc.snapshot.TableProgress;
import dev.cdc.source.postgres.position.PgPosition;
import dev.cdc.source.postgres.replication.SetupCheck;
import dev.cdc.source.postgres.types.MoneyText;
import dev.cdc.source.postgres.types.ValueDecoder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Positions, setup checks and value decoding, without a server. */
class UnitTest {

    @Test
    void positionsOfOneTransactionSortByIndexAndSnapshotRowsSortFirst() {
        long lsn = PgPosition.parseLsn("1/2A");
        assertThat(PgPosition.formatLsn(lsn)).isEqualTo("1/2A");
        var a = PgPosition.stream(lsn, 9);
        var b = PgPosition.stream(lsn, 10);
        var c = PgPosition.stream(lsn + 1, 0);
        assertThat(a.sortKey()).hasSize(24).isLessThan(b.sortKey());
        assertThat(b.sortKey()).isLessThan(c.sortKey());
        var progress = new java.util.TreeMap<Integer, TableProgress>();
        progress.put(3, new TableProgress("public.t", new String[] {"42", "x"}));
        progress.put(5, new TableProgress("public.u", new String[0]));
        var snap = PgPosition.snapshot(lsn, new SnapshotState(1_000_000, 6, progress));
        assertThat(snap.sortKey()).isLessThan(PgPosition.stream(lsn, 0).sortKey())
                .isLessThan(PgPosition.snapshot(lsn, new SnapshotState(1_000_001, 6, progress)).sortKey());
        var state = PgPosition.snapshotState(snap);
        assertThat(state.seq()).isEqualTo(1_000_000);
        assertThat(state.next()).isEqualTo(6);
        assertThat(state.inProgress()).containsOnlyKeys(3, 5);
        assertThat(state.inProgress().get(3).keys()).containsExactly("42", "x");
        assertThat(state.inProgress().get(5).keys()).isEmpty();
        assertThat(state.inProgress().get(5).table()).isEqualTo("public.u");
        assertThat(a.offsets()).containsEntry("lsn", "1/2A").containsEntry("index", "9");
    }

    @Test
    void walLevelCheckNamesTheSetting() {
        assertThat(SetupCheck.walLevel("logical")).isEmpty();
        assertThat(SetupCheck.walLevel("replica")).get().asString()
                .contains("'replica'").contains("ALTER SYSTEM SET wal_level = logical").contains("restart");
        assertThat(SetupCheck.replicationRole("bob", false, false)).get().asString()
                .contains("ALTER ROLE \"bob\" REPLICATION");
        assertThat(SetupCheck.slotAhead("s", "0/20", "0/10")).get().asString().contains("0/20").contains("0/10");
    }

    @Test
    void textValuesDecode() {
        assertThat(ValueDecoder.forBaseType("numeric", -1).decode("NaN")).isEqualTo("NaN");
        assertThat(ValueDecoder.forBaseType("float8", -1).decode("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(ValueDecoder.forBaseType("date", -1).decode("10000-01-01")).isEqualTo(LocalDate.of(10000, 1, 1));
        assertThat(ValueDecoder.forBaseType("timestamptz", -1).decode("2024-01-01 05:30:00+05:30"))
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
        assertThat(ValueDecoder.forBaseType("numeric", (10 << 16 | 2) + 4).type().describe()).isEqualTo("decimal(10,2)");
        assertThat(ValueDecoder.array(ValueDecoder.forBaseType("int4", -1)).decode("{{1,2},{3,NULL}}"))
                .isEqualTo(List.of(List.of(1, 2), Arrays.asList(3, null)));
        assertThat((byte[]) ValueDecoder.forBaseType("bytea", -1).decode("\\x0aff")).containsExactly(10, 0xff);
        assertThat(ValueDecoder.forBaseType("date", -1).decode("-infinity")).isEqualTo("-infinity");
        assertThat(ValueDecoder.forBaseType("timestamp", 3).decode("infinity")).isEqualTo("infinity");
        assertThat(ValueDecoder.forBaseType("time", -1).decode("24:00:00")).isEqualTo("24:00:00");
        assertThat(ValueDecoder.forBaseType("time", -1).decode("23:59:59.999999"))
                .isEqualTo(java.time.LocalTime.of(23, 59, 59, 999_999_000));
    }

    @Test
    void moneyIsAnExactDecimalInAnyLocale() {
        assertThat(ValueDecoder.forBaseType("money", -1).decode("-$1,234.56")).isEqualTo(new java.math.BigDecimal("-1234.56"));
        assertThat(ValueDecoder.forBaseType("money", -1, 2).decode("1.234,56 €")).isEqualTo(new java.math.BigDecimal("1234.56"));
        assertThat(ValueDecoder.forBaseType("money", -1, 0).decode("(¥1,235)")).isEqualTo(new java.math.BigDecimal("-1235"));
        assertThat(ValueDecoder.forBaseType("money", -1, 2).decode("$92,233,720,368,547,758.07"))
                .isEqualTo(new java.math.BigDecimal("92233720368547758.07"));
        assertThat(MoneyText.fractionDigits("$1.00")).isEqualTo(2);
        assertThat(MoneyText.fractionDigits("1,000 BD")).isEqualTo(3);
        assertThat(MoneyText.fractionDigits("¥1")).isZero();
        assertThat(ValueDecoder.forBaseType("money", -1, 3).type().describe()).isEqualTo("decimal(19,3)");
    }
}
