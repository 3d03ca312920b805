package dev.cdc.source.mysql.binlog;

import dev.cdc.api.event.Position;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class BinlogPositionTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 9, 10, 1023, 1024, 70_000, 4_294_967_295L})
    void aRowPositionDerivedFromItsTransactionEqualsOneBuiltWhole(long row) {
        for (Optional<String> gtid : java.util.List.of(Optional.<String>empty(), Optional.of("0-1-42"))) {
            BinlogPosition tx = new BinlogPosition("mysql-bin.000012", 123_456_789L, 0, gtid);
            Position txPosition = tx.toPosition();

            Position derived = tx.rowPosition(txPosition, 12, row);

            Position whole = tx.withRow(row).toPosition();
            assertThat(derived).isEqualTo(whole);
            assertThat(derived.offsets()).containsExactlyEntriesOf(whole.offsets());
            assertThat(derived.sortKey()).isEqualTo(whole.sortKey());
            assertThat(BinlogPosition.from(derived)).isEqualTo(tx.withRow(row));
        }
    }

    @org.junit.jupiter.api.Test
    void sortKeysAreTheSixteenPlusEightLayoutInBinlogOrder() {
        String a = BinlogPosition.sortKey(4, 0xFFFF_FFF0L, 7);
        String b = BinlogPosition.sortKey(5, 4, 0);
        String c = BinlogPosition.sortKey(5, 4, 1);
        String d = BinlogPosition.sortKey(5, 5, 0);
        assertThat(a).hasSize(24).isEqualTo("00000004fffffff0" + "00000007");
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
        assertThat(c).isLessThan(d);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BinlogPosition.sortKey(1, 1L << 32, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 2^32");
    }

    @org.junit.jupiter.api.Test
    void aPositionJustBeforeAPlaceSortsBetweenThePreviousBytesAndRowZeroAndResumesThere() {
        BinlogPosition start = BinlogPosition.of("mysql-bin.000007", 385).withGtidSet(Optional.of("0-1-12"));
        Position first = start.justBefore(0);
        Position second = start.justBefore(1);
        String lastOfEarlierFile = new BinlogPosition("mysql-bin.000006", 4_000_000_000L, 4_000_000_000L,
                Optional.empty()).toPosition().sortKey();
        String previousTransactionsLastRow = new BinlogPosition("mysql-bin.000007", 300, 70_000, Optional.empty())
                .toPosition().sortKey();
        assertThat(first.sortKey()).isGreaterThan(lastOfEarlierFile).isGreaterThan(previousTransactionsLastRow)
                .isLessThan(second.sortKey());
        assertThat(second.sortKey()).isLessThan(start.toPosition().sortKey())
                .isLessThan(start.withRow(1).toPosition().sortKey());
        assertThat(BinlogPosition.isJustBefore(second)).isTrue();
        assertThat(BinlogPosition.isJustBefore(start.toPosition())).isFalse();
        BinlogPosition back = BinlogPosition.from(second);
        assertThat(back.file()).isEqualTo("mysql-bin.000007");
        assertThat(back.offset()).isEqualTo(385);
        assertThat(back.gtidSet()).contains("0-1-12");
    }
}
