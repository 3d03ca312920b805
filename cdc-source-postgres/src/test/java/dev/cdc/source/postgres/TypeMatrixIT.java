package dev.cdc.source.postgres;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.Unchanged;
import dev.cdc.testkit.source.SourceRunner;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Edge values of every mapped type arrive exactly, from the snapshot and from the stream alike. */
class TypeMatrixIT extends PgTestBase {

    private static final String COLUMNS = "id int PRIMARY KEY, s smallint, i int, b bigint, n numeric, n2 numeric(10,2),"
            + " r real, d double precision, bo boolean, t text, vc varchar(10), c char(3), by bytea, da date,"
            + " ti time, ttz timetz, ts timestamp, tstz timestamptz, iv interval, u uuid, j json, jb jsonb,"
            + " ai int[], at text[], e %s, dm %s, other inet, mo money, tia time[]";

    private static final String[] ROWS = {
        "(1, -32768, -2147483648, -9223372036854775808, 'NaN', -99999999.99, 'NaN', 'Infinity', true, '', '', 'a',"
            + " '\\x'::bytea, 'infinity', '00:00:00', '00:00:00+00', '-infinity', 'infinity', '1 year 2 mons',"
            + " '00000000-0000-0000-0000-000000000000', '{}', '{}', '{}', '{}', 'a', 1, '10.0.0.1',"
            + " '-92233720368547758.08', '{24:00:00,NULL,00:00:01.5}')",
        "(2, 32767, 2147483647, 9223372036854775807, 12345678901234567890.123456789012345678901234567890,"
            + " 99999999.99, '-Infinity', 1.7976931348623157e308, false, 'ünïcødé \"q\" \\ , {}', 'x', 'abc',"
            + " '\\x00ff10'::bytea, '0044-03-15 BC', '24:00:00', '23:59:59.999999-14:30', '2024-02-29 23:59:59.999999',"
            + " '1970-01-01 00:00:00.000001+00', '-3 days 04:05:06.7', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',"
            + " '{\"a\": [1, 2]}', '{\"b\": null}', '{1,NULL,3}', '{\"a b\",NULL,\"c,d\",\"\\\\\"}', 'b', 2, '::1',"
            + " '92233720368547758.07', '{}')",
        "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
            + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    };

    @Test
    void everyTypeArrivesExactlyFromSnapshotAndStream() throws Exception {
        String e = target.name("mood");
        String dm = target.name("posint");
        Pg.exec("DROP TYPE IF EXISTS " + e, "CREATE TYPE " + e + " AS ENUM ('a', 'b')",
                "DROP DOMAIN IF EXISTS " + dm, "CREATE DOMAIN " + dm + " AS int CHECK (VALUE > 0)");
        try {
            String t = table("a", String.format(COLUMNS, e, dm));
            String insert = "INSERT INTO " + t + " VALUES ";
            Pg.exec(insert + String.join(",", ROWS));
            SourceRunner r = start(options(), Optional.empty());
            await("3 snapshot rows", () -> of(r, t).size() == 3, Duration.ofSeconds(30));
            // the same values again through the stream (ids + 10)
            Pg.exec(insert + String.join(",", Arrays.stream(ROWS).map(s -> "(1" + s.substring(1)).toList()));
            await("3 streamed rows", () -> of(r, t).size() == 6, Duration.ofSeconds(30));
            List<ChangeEvent> events = of(r, t);
            for (int i = 0; i < 3; i++) {
                assertThat(events.get(i).operation()).isEqualTo(Operation.READ);
                assertThat(events.get(i + 3).operation()).isEqualTo(Operation.CREATE);
                Row snap = events.get(i).after().orElseThrow().without(java.util.Set.of("id"));
                Row streamed = events.get(i + 3).after().orElseThrow().without(java.util.Set.of("id"));
                assertThat(streamed).as("row %d: streamed equals snapshot", i + 1).isEqualTo(snap);
            }
            Row min = events.get(0).after().orElseThrow();
            assertThat(min.get("s")).isEqualTo((short) -32768);
            assertThat(min.get("i")).isEqualTo(Integer.MIN_VALUE);
            assertThat(min.get("b")).isEqualTo(Long.MIN_VALUE);
            assertThat(min.get("n")).isEqualTo("NaN");
            assertThat(min.get("n2")).isEqualTo(new BigDecimal("-99999999.99"));
            assertThat((Float) min.get("r")).isNaN();
            assertThat(min.get("d")).isEqualTo(Double.POSITIVE_INFINITY);
            assertThat(min.get("bo")).isEqualTo(true);
            assertThat(min.get("t")).isEqualTo("");
            assertThat(min.get("c")).isEqualTo("a  ");
            assertThat((byte[]) min.get("by")).isEmpty();
            assertThat(min.get("da")).as("infinity is its text, no Java date holds it").isEqualTo("infinity");
            assertThat(min.get("ti")).isEqualTo(LocalTime.MIDNIGHT);
            assertThat(min.get("ttz")).isEqualTo("00:00:00+00");
            assertThat(min.get("ts")).isEqualTo("-infinity");
            assertThat(min.get("tstz")).isEqualTo("infinity");
            assertThat(min.get("iv")).isEqualTo("1 year 2 mons");
            assertThat(min.get("u")).isEqualTo(new UUID(0, 0));
            assertThat(min.get("ai")).isEqualTo(List.of());
            assertThat(min.get("e")).isEqualTo("a");
            assertThat(min.get("dm")).isEqualTo(1);
            assertThat(min.get("other")).isEqualTo("10.0.0.1");
            assertThat(min.get("mo")).as("money is an exact decimal, not locale text")
                    .isEqualTo(new BigDecimal("-92233720368547758.08"));
            assertThat(min.get("tia")).isEqualTo(Arrays.asList("24:00:00", null, LocalTime.of(0, 0, 1, 500_000_000)));

            Row max = events.get(1).after().orElseThrow();
            assertThat(max.get("s")).isEqualTo((short) 32767);
            assertThat(max.get("b")).isEqualTo(Long.MAX_VALUE);
            assertThat(max.get("n")).isEqualTo(new BigDecimal("12345678901234567890.123456789012345678901234567890"));
            assertThat(max.get("r")).isEqualTo(Float.NEGATIVE_INFINITY);
            assertThat(max.get("d")).isEqualTo(Double.MAX_VALUE);
            assertThat(max.get("t")).isEqualTo("ünïcødé \"q\" \\ , {}");
            assertThat((byte[]) max.get("by")).containsExactly(0, 0xff, 0x10);
            assertThat(max.get("da")).isEqualTo(LocalDate.of(-43, 3, 15));
            assertThat(max.get("ti")).as("24:00:00 is its text, not 23:59:59.999999999").isEqualTo("24:00:00");
            assertThat(max.get("mo")).isEqualTo(new BigDecimal("92233720368547758.07"));
            assertThat(max.get("ttz")).isEqualTo("23:59:59.999999-14:30");
            assertThat(max.get("ts")).isEqualTo(LocalDateTime.of(2024, 2, 29, 23, 59, 59, 999_999_000));
            assertThat(max.get("tstz")).isEqualTo(Instant.ofEpochSecond(0, 1000));
            assertThat(max.get("u")).isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
            assertThat(max.get("j")).isEqualTo("{\"a\": [1, 2]}");
            assertThat(max.get("jb")).isEqualTo("{\"b\": null}");
            assertThat(max.get("ai")).isEqualTo(Arrays.asList(1, null, 3));
            assertThat(max.get("at")).isEqualTo(Arrays.asList("a b", null, "c,d", "\\"));
            assertThat(max.get("dm")).isEqualTo(2);

            Row nulls = events.get(2).after().orElseThrow();
            assertThat(nulls.asMap().entrySet()).filteredOn(en -> !en.getKey().equals("id"))
                    .allMatch(en -> en.getValue() == null);

            SchemaChangeEvent schema = r.context().events().stream().filter(ev -> ev instanceof SchemaChangeEvent)
                    .map(ev -> (SchemaChangeEvent) ev).filter(s -> s.table().name().equals(t)).findFirst().orElseThrow();
            assertThat(schema.after().orElseThrow().column("n2").orElseThrow().type().describe())
                    .isEqualTo("decimal(10,2)");
            assertThat(schema.after().orElseThrow().column("ai").orElseThrow().type().describe())
                    .isEqualTo("array<int32>");
            assertThat(schema.after().orElseThrow().column("dm").orElseThrow().type().describe()).isEqualTo("int32");
            assertThat(schema.after().orElseThrow().column("mo").orElseThrow().type().describe())
                    .isEqualTo("decimal(19,2)");
            assertThat(schema.after().orElseThrow().primaryKey()).containsExactly("id");
        } finally {
            for (String t : tables) {
                Pg.exec("DROP TABLE IF EXISTS " + t);
            }
            Pg.exec("DROP TYPE IF EXISTS " + e, "DROP DOMAIN IF EXISTS " + dm);
        }
    }

    @Test
    void unchangedToastColumnArrivesAsUnchangedAndBeforeImagesFollowReplicaIdentity() throws Exception {
        String t = table("a", "id bigint PRIMARY KEY, big text, v int");
        String full = table("f", "id bigint PRIMARY KEY, v int");
        Pg.exec("ALTER TABLE " + full + " REPLICA IDENTITY FULL");
        SourceRunner r = start(options("snapshot-mode", "never"), Optional.empty());
        Pg.exec("INSERT INTO " + t + " VALUES (1, (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 2000) g), 0)",
                "UPDATE " + t + " SET v = 1 WHERE id = 1",
                "DELETE FROM " + t + " WHERE id = 1",
                "INSERT INTO " + full + " VALUES (1, 0)", "UPDATE " + full + " SET v = 5", "DELETE FROM " + full);
        await("6 events", () -> of(r, t).size() == 3 && of(r, full).size() == 3, Duration.ofSeconds(30));
        ChangeEvent update = of(r, t).get(1);
        assertThat(update.after().orElseThrow().get("big")).isSameAs(Unchanged.VALUE);
        assertThat(update.after().orElseThrow().get("v")).isEqualTo(1);
        assertThat(update.before()).as("REPLICA IDENTITY DEFAULT: no old row when the key did not change").isEmpty();
        assertThat(of(r, t).get(2).before().orElseThrow()).as("DEFAULT: the key only").isEqualTo(Row.of("id", 1L));
        assertThat(of(r, full).get(1).before().orElseThrow()).isEqualTo(Row.of("id", 1L, "v", 0));
        assertThat(of(r, full).get(2).before().orElseThrow()).isEqualTo(Row.of("id", 1L, "v", 5));
        assertThat(of(r, t).get(0).transactionId()).isPresent();
    }
}
