package dev.cdc.launcher;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/** {@link JdbcReplicaKillScenario}: PostgreSQL (logical replication) into MariaDB. */
class PostgresToMariaDbReplicaIT extends JdbcReplicaKillScenario {

    private static final String COLUMNS = "small, i, big, amount, price, ratio, flag, label, day, at, at_tz, raw, doc,"
            + " tags, uid";

    @Override
    String prefix() {
        return "pg2maria";
    }

    @Override
    JdbcRoute route() {
        return JdbcRoute.POSTGRES_TO_MARIADB;
    }

    @Override
    void createSourceTable() throws Exception {
        try (Connection c = source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + name + " (id bigint PRIMARY KEY, small smallint, i integer, big bigint NOT"
                    + " NULL, amount numeric(20,6), price double precision, ratio real, flag boolean, label varchar(50),"
                    + " body text, day date, at timestamp(6), at_tz timestamptz(6), raw bytea, doc jsonb,"
                    + " tags integer[], uid uuid)");
        }
    }

    @Override
    void upsert(Connection c, long id, boolean update, Random r) throws Exception {
        // an update leaves the large body column alone half the time: PostgreSQL then sends it as unchanged (TOAST)
        boolean body = !update || r.nextBoolean();
        String sql = update
                ? "UPDATE " + name + " SET (" + COLUMNS + (body ? ", body" : "") + ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?::jsonb, ?, ?" + (body ? ", ?" : "") + ") WHERE id = ?"
                : "INSERT INTO " + name + " (" + COLUMNS + ", body, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?::jsonb, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setObject(p++, nullOne(r) ? null : (short) r.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1), Types.SMALLINT);
            ps.setObject(p++, nullOne(r) ? null : r.nextInt(), Types.INTEGER);
            ps.setLong(p++, r.nextInt(20) == 0 ? (r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE) : r.nextLong());
            ps.setBigDecimal(p++, nullOne(r) ? null : new BigDecimal(BigInteger.valueOf(r.nextLong() % 100_000_000_000_000_000L), 6));
            ps.setObject(p++, nullOne(r) ? null : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-30, 30)), Types.DOUBLE);
            ps.setObject(p++, nullOne(r) ? null : (float) ((r.nextDouble() - 0.5) * 1e6), Types.REAL);
            ps.setObject(p++, nullOne(r) ? null : r.nextBoolean(), Types.BOOLEAN);
            ps.setString(p++, nullOne(r) ? null : text(r, 50));
            ps.setObject(p++, nullOne(r) ? null : LocalDate.of(1970 + r.nextInt(130), 1 + r.nextInt(12), 1 + r.nextInt(28)));
            ps.setObject(p++, nullOne(r) ? null : LocalDateTime.of(1990 + r.nextInt(60), 1 + r.nextInt(12),
                    1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000) * 1000));
            ps.setObject(p++, nullOne(r) ? null : LocalDateTime.of(1990 + r.nextInt(60), 1 + r.nextInt(12),
                    1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000) * 1000)
                    .atOffset(ZoneOffset.ofHours(r.nextInt(-12, 13))));
            ps.setBytes(p++, nullOne(r) ? null : bytes(r, 64));
            ps.setString(p++, nullOne(r) ? null : json(r));
            ps.setArray(p++, nullOne(r) ? null : c.createArrayOf("integer", new Integer[] {r.nextInt(), r.nextInt(100)}));
            ps.setObject(p++, nullOne(r) ? null : UUID.randomUUID());
            if (body) {
                ps.setString(p++, nullOne(r) ? null : text(r, r.nextBoolean() ? 8000 : 200));
            }
            ps.setLong(p, id);
            ps.executeUpdate();
        }
    }

    @Override
    Set<String> jsonColumns() {
        return Set.of("doc", "tags");
    }
}
