package dev.cdc.launcher;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Random;
import java.util.Set;

/** {@link JdbcReplicaKillScenario}: MariaDB (row binlog) into PostgreSQL. */
class MariaDbToPostgresReplicaIT extends JdbcReplicaKillScenario {

    private static final String COLUMNS = "tiny, small, i, u, big, ubig, amount, price, ratio, label, body, day, at,"
            + " at_ts, raw, doc, kind";
    private static final String[] KINDS = {"red", "green", "blue"};

    @Override
    String prefix() {
        return "maria2pg";
    }

    @Override
    JdbcRoute route() {
        return JdbcRoute.MARIADB_TO_POSTGRES;
    }

    @Override
    void createSourceTable() throws Exception {
        try (Connection c = source(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + name + " (id bigint PRIMARY KEY, tiny tinyint, small smallint, i int,"
                    + " u int unsigned, big bigint NOT NULL, ubig bigint unsigned, amount decimal(20,6), price double,"
                    + " ratio float, label varchar(50), body mediumtext, day date, at datetime(6), at_ts timestamp(6)"
                    + " NULL DEFAULT NULL, raw blob, doc json, kind enum('red','green','blue'))");
        }
    }

    @Override
    void upsert(Connection c, long id, boolean update, Random r) throws Exception {
        String sql = update
                ? "UPDATE " + name + " SET " + COLUMNS.replace(",", " = ?,") + " = ? WHERE id = ?"
                : "INSERT INTO " + name + " (" + COLUMNS + ", id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setObject(p++, nullOne(r) ? null : r.nextInt(-128, 128), Types.TINYINT);
            ps.setObject(p++, nullOne(r) ? null : r.nextInt(Short.MIN_VALUE, Short.MAX_VALUE + 1), Types.SMALLINT);
            ps.setObject(p++, nullOne(r) ? null : r.nextInt(), Types.INTEGER);
            ps.setObject(p++, nullOne(r) ? null : r.nextLong(0, 4_294_967_296L), Types.BIGINT);
            ps.setLong(p++, r.nextInt(20) == 0 ? (r.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE) : r.nextLong());
            ps.setBigDecimal(p++, nullOne(r) ? null : new BigDecimal(new BigInteger(64, r)));
            ps.setBigDecimal(p++, nullOne(r) ? null : new BigDecimal(BigInteger.valueOf(r.nextLong() % 100_000_000_000_000_000L), 6));
            ps.setObject(p++, nullOne(r) ? null : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-30, 30)), Types.DOUBLE);
            ps.setObject(p++, nullOne(r) ? null : (float) ((r.nextDouble() - 0.5) * 1e6), Types.REAL);
            ps.setString(p++, nullOne(r) ? null : text(r, 50));
            ps.setString(p++, nullOne(r) ? null : text(r, r.nextBoolean() ? 4000 : 200));
            ps.setObject(p++, nullOne(r) ? null : LocalDate.of(1970 + r.nextInt(130), 1 + r.nextInt(12), 1 + r.nextInt(28)));
            ps.setObject(p++, nullOne(r) ? null : LocalDateTime.of(1990 + r.nextInt(60), 1 + r.nextInt(12),
                    1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000) * 1000));
            ps.setObject(p++, nullOne(r) ? null : LocalDateTime.of(1971 + r.nextInt(60), 1 + r.nextInt(12),
                    1 + r.nextInt(28), r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000) * 1000));
            ps.setBytes(p++, nullOne(r) ? null : bytes(r, 64));
            ps.setString(p++, nullOne(r) ? null : json(r));
            ps.setString(p++, nullOne(r) ? null : KINDS[r.nextInt(KINDS.length)]);
            ps.setLong(p, id);
            ps.executeUpdate();
        }
    }

    @Override
    Set<String> jsonColumns() {
        return Set.of("doc");
    }
}
