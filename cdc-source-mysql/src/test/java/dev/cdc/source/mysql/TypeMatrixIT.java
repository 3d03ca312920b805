package dev.cdc.source.mysql;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every supported type with edge values, read once by the snapshot and once from the binlog:
 * both must give the same, exact logical values.
 */
class TypeMatrixIT extends MariaDbFixture {

    static final String COLUMNS = "id INT PRIMARY KEY, b TINYINT(1), ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT,"
            + " siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT, iu INT UNSIGNED, bi BIGINT,"
            + " biu BIGINT UNSIGNED, d DECIMAL(38,10), f FLOAT, db DOUBLE, c CHAR(5), vc VARCHAR(100),"
            + " lt LONGTEXT CHARACTER SET latin1, tx TEXT, bn BINARY(4), vb VARBINARY(10), bl BLOB, dt DATE, tm TIME(3),"
            + " tmn TIME, dtm DATETIME(6), dt0 DATETIME, ts TIMESTAMP(6) NULL, yr YEAR, js JSON, en ENUM('a','b c','d''e'),"
            + " st SET('x','y','z'), bt1 BIT(1), bt BIT(12)";

    static final String MAX_ROW = "(1, 1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295,"
            + " 9223372036854775807, 18446744073709551615, 9999999999999999999999999999.9999999999, 3.4028E38,"
            + " 1.7976931348623157E308, 'abcde', 'ünïcödé 😀', 'café', '', x'00ff10ab', x'0001', x'deadbeef',"
            + " '9999-12-31', '838:59:59.000', '-12:30:45', '9999-12-31 23:59:59.999999', '1000-01-01 00:00:00',"
            + " '2038-01-19 03:14:07.999999', 2155, '{\"k\": [1, 2.5, \"x\"], \"n\": null}', 'd''e', 'x,z', b'1', b'101010101010')";

    static final String MIN_ROW = "(2, 0, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,"
            + " -9999999999999999999999999999.9999999999, -1.17549435E-38, 4.9E-324, '', '', '', NULL, x'00000000', x'',"
            + " x'', '1000-01-01', '00:00:00.001', '23:59:59', '1000-01-01 00:00:00.000001', '1970-01-01 00:00:00',"
            + " '1970-01-01 00:00:01.000001', 1901, '[]', 'a', '', b'0', b'0')";

    static final String NULL_ROW = "(3" + ", NULL".repeat(33) + ")";

    @Test
    void snapshotAndBinlogGiveTheSameExactValues() throws Exception {
        db.execute("SET time_zone = '+00:00'");
        TableId t = table("types", COLUMNS);
        List<List<Row>> both = snapshotThenStream(t, MAX_ROW + ", " + MIN_ROW + ", " + NULL_ROW, 3);
        List<Row> read = both.get(0);
        List<Row> streamed = both.get(1);
        assertThat(read).hasSize(3);
        assertThat(streamed).hasSize(3);

        Row max = read.get(0);
        assertThat(max.get("b")).as("tinyint(1) is an integer by default").isEqualTo((short) 1);
        assertThat(max.get("ti")).isEqualTo((short) 127);
        assertThat(max.get("tiu")).isEqualTo((short) 255);
        assertThat(max.get("si")).isEqualTo((short) 32767);
        assertThat(max.get("siu")).isEqualTo(65535);
        assertThat(max.get("mi")).isEqualTo(8388607);
        assertThat(max.get("miu")).isEqualTo(16777215);
        assertThat(max.get("i")).isEqualTo(2147483647);
        assertThat(max.get("iu")).isEqualTo(4294967295L);
        assertThat(max.get("bi")).isEqualTo(Long.MAX_VALUE);
        assertThat(max.get("biu")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(max.get("d")).isEqualTo(new BigDecimal("9999999999999999999999999999.9999999999"));
        assertThat(max.get("f")).isEqualTo(3.4028E38f);
        assertThat(max.get("db")).isEqualTo(Double.MAX_VALUE);
        assertThat(max.get("c")).isEqualTo("abcde");
        assertThat(max.get("vc")).isEqualTo("ünïcödé 😀");
        assertThat(max.get("lt")).isEqualTo("café");
        assertThat(max.get("tx")).isEqualTo("");
        assertThat((byte[]) max.get("bn")).containsExactly(0x00, 0xff, 0x10, 0xab);
        assertThat((byte[]) max.get("vb")).containsExactly(0x00, 0x01);
        assertThat((byte[]) max.get("bl")).containsExactly(0xde, 0xad, 0xbe, 0xef);
        assertThat(max.get("dt")).isEqualTo(LocalDate.of(9999, 12, 31));
        assertThat(max.get("tm")).isEqualTo("838:59:59.000");
        assertThat(max.get("tmn")).isEqualTo("-12:30:45");
        assertThat(max.get("dtm")).isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(max.get("dt0")).isEqualTo(LocalDateTime.of(1000, 1, 1, 0, 0));
        assertThat(max.get("ts")).isEqualTo(Instant.parse("2038-01-19T03:14:07.999999Z"));
        assertThat(max.get("yr")).isEqualTo(2155);
        assertThat((String) max.get("js")).contains("\"k\"").contains("2.5");
        assertThat(max.get("en")).isEqualTo("d'e");
        assertThat(max.get("st")).isEqualTo("x,z");
        assertThat(max.get("bt1")).isEqualTo(true);
        assertThat((byte[]) max.get("bt")).containsExactly(0x0a, 0xaa);

        Row min = read.get(1);
        assertThat(min.get("b")).isEqualTo((short) 0);
        assertThat(min.get("ti")).isEqualTo((short) -128);
        assertThat(min.get("si")).isEqualTo((short) -32768);
        assertThat(min.get("mi")).isEqualTo(-8388608);
        assertThat(min.get("i")).isEqualTo(-2147483648);
        assertThat(min.get("bi")).isEqualTo(Long.MIN_VALUE);
        assertThat(min.get("biu")).isEqualTo(BigDecimal.ZERO);
        assertThat(min.get("f")).isEqualTo(-1.17549435E-38f);
        assertThat(min.get("db")).isEqualTo(4.9E-324);
        assertThat(min.get("tm")).isEqualTo(LocalTime.of(0, 0, 0, 1_000_000));
        assertThat(min.get("tmn")).isEqualTo(LocalTime.of(23, 59, 59));
        assertThat(min.get("dtm")).isEqualTo(LocalDateTime.of(1000, 1, 1, 0, 0, 0, 1000));
        assertThat(min.get("ts")).isEqualTo(Instant.parse("1970-01-01T00:00:01.000001Z"));
        assertThat(min.get("yr")).isEqualTo(1901);
        assertThat(min.get("en")).isEqualTo("a");
        assertThat(min.get("st")).isEqualTo("");
        assertThat(min.get("bt1")).isEqualTo(false);
        assertThat((byte[]) min.get("bt")).containsExactly(0x00, 0x00);

        Row nulls = read.get(2);
        assertThat(nulls.asMap().entrySet().stream().filter(e -> !e.getKey().equals("id")).map(Map.Entry::getValue))
                .allMatch(v -> v == null);

        for (int i = 0; i < 3; i++) {
            assertThat(streamed.get(i)).as("row %d from the binlog equals the snapshot's", i).isEqualTo(read.get(i));
        }
    }

    @Test
    void decimalsOfUpTo18DigitsAreExactToo() throws Exception {
        // up to 18 digits the binlog reader decodes DECIMAL itself (into a long); beyond, the library does
        TableId t = table("decimals", "id INT PRIMARY KEY, a DECIMAL(18,4), b DECIMAL(9,0), c DECIMAL(5,5),"
                + " d DECIMAL(12,2), e DECIMAL(10,3), f DECIMAL(19,9)");
        String rows = "(1, 99999999999999.9999, 999999999, 0.99999, 9999999999.99, 9999999.999, 9999999999.999999999),"
                + " (2, -99999999999999.9999, -999999999, -0.99999, -9999999999.99, -9999999.999, -1.000000001),"
                + " (3, 0, 0, 0, 0, 0, 0),"
                + " (4, -0.0001, -1, -0.00001, -0.01, -0.001, -0.000000001),"
                + " (5, 12345678901234.5678, 123456789, 0.12345, 1234567890.12, 1000000.001, 1234567890.123456789),"
                + " (6, -1.5, 100000000, 0.5, -10000000.5, 0.1, 1000000000)";
        List<List<Row>> both = snapshotThenStream(t, rows, 6);
        List<Row> read = both.get(0);
        List<Row> streamed = both.get(1);
        assertThat(streamed).hasSize(6);
        assertThat(streamed.get(0).get("a")).isEqualTo(new BigDecimal("99999999999999.9999"));
        assertThat(streamed.get(1).get("a")).isEqualTo(new BigDecimal("-99999999999999.9999"));
        assertThat(streamed.get(3).get("c")).isEqualTo(new BigDecimal("-0.00001"));
        assertThat(streamed.get(4).get("d")).isEqualTo(new BigDecimal("1234567890.12"));
        assertThat(streamed.get(5).get("b")).isEqualTo(new BigDecimal("100000000"));
        for (int i = 0; i < 6; i++) {
            assertThat(streamed.get(i)).as("row %d from the binlog equals the snapshot's", i).isEqualTo(read.get(i));
        }
    }

    /** Inserts the rows, snapshots them, then deletes and inserts them again for the binlog: [read rows, streamed rows]. */
    private List<List<Row>> snapshotThenStream(TableId t, String rows, int n) throws Exception {
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES " + rows);
        SourceRunner r = start(options(), Optional.empty());
        r.context().awaitChanges(e -> e.table().equals(t), n, Duration.ofSeconds(30));
        // the same rows again through the binlog
        db.execute("DELETE FROM " + MariaDbDriver.q(t));
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES " + rows);
        r.context().awaitChanges(e -> e.table().equals(t), 3 * n, Duration.ofSeconds(30));
        List<ChangeEvent> events = changes(r, t);
        return List.of(
                events.stream().filter(e -> e.operation() == Operation.READ).map(e -> e.after().get()).toList(),
                events.stream().filter(e -> e.operation() == Operation.CREATE).map(e -> e.after().get()).toList());
    }

    @Test
    void tinyint1IsAnIntegerUnlessBooleansAreAskedFor() throws Exception {
        TableId t = table("tiny", "id INT PRIMARY KEY, b TINYINT(1)");
        SourceRunner r = start(options(), Optional.empty());
        db.execute("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (1, 7), (2, -128)");
        r.context().awaitChanges(e -> e.table().equals(t), 2, Duration.ofSeconds(30));
        assertThat(changes(r, t).get(0).after().get().get("b")).as("a tinyint(1) holds 7 too").isEqualTo((short) 7);
        assertThat(changes(r, t).get(1).after().get().get("b")).isEqualTo((short) -128);
        r.close();

        Map<String, Object> o = new java.util.HashMap<>(options());
        o.put("tinyint1-as-boolean", true);
        TableId t2 = table("tiny2", "id INT PRIMARY KEY, b TINYINT(1)");
        SourceRunner r2 = start(o, Optional.empty());
        db.execute("INSERT INTO " + MariaDbDriver.q(t2) + " VALUES (1, 5)");
        r2.context().awaitChanges(e -> e.table().equals(t2), 1, Duration.ofSeconds(30));
        assertThat(changes(r2, t2).get(0).after().get().get("b")).isEqualTo(true);
    }

    @Test
    void datesWithAZeroPartAreTheServersTextInSnapshotAndBinlog() throws Exception {
        // MariaDB's default sql_mode has no NO_ZERO_IN_DATE / NO_ZERO_DATE: users store these
        db.execute("SET time_zone = '+00:00'");
        db.execute("SET SESSION sql_mode = ''");
        TableId t = table("zero", "id INT PRIMARY KEY, d DATE, dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP(3) NULL,"
                + " y0 DATE");
        String rows = "(1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-00-00 00:00:00', '0000-01-01'),"
                + " (2, '2024-00-15', '2024-02-00 10:00:00', '2024-00-00 23:59:59.500001', NULL, '0000-12-31'),"
                + " (3, '2024-02-29', '0000-01-01 00:00:00', '0000-01-01 00:00:00.000001', '1970-01-01 00:00:01', NULL)";
        List<List<Row>> both = snapshotThenStream(t, rows, 3);
        List<Row> read = both.get(0);
        assertThat(read.get(0).get("d")).isEqualTo("0000-00-00");
        assertThat(read.get(0).get("dt")).isEqualTo("0000-00-00 00:00:00");
        assertThat(read.get(0).get("dt6")).isEqualTo("0000-00-00 00:00:00.000000");
        assertThat(read.get(0).get("ts")).isEqualTo("0000-00-00 00:00:00.000");
        assertThat(read.get(0).get("y0")).as("year 0 is a valid date, not shifted to 0001").isEqualTo(LocalDate.of(0, 1, 1));
        assertThat(read.get(1).get("d")).isEqualTo("2024-00-15");
        assertThat(read.get(1).get("dt")).isEqualTo("2024-02-00 10:00:00");
        assertThat(read.get(1).get("dt6")).isEqualTo("2024-00-00 23:59:59.500001");
        assertThat(read.get(1).get("y0")).isEqualTo(LocalDate.of(0, 12, 31));
        assertThat(read.get(2).get("d")).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(read.get(2).get("dt")).isEqualTo(LocalDateTime.of(0, 1, 1, 0, 0));
        assertThat(read.get(2).get("dt6")).isEqualTo(LocalDateTime.of(0, 1, 1, 0, 0, 0, 1000));
        assertThat(read.get(2).get("ts")).isEqualTo(Instant.parse("1970-01-01T00:00:01Z"));
        for (int i = 0; i < 3; i++) {
            assertThat(both.get(1).get(i)).as("row %d from the binlog equals the snapshot's", i).isEqualTo(read.get(i));
        }
    }
}
