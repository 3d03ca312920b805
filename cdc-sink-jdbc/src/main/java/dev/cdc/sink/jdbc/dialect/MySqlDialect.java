package dev.cdc.sink.jdbc.dialect;

/** MySQL 8: as MariaDB, but uuids as {@code char(36)} and keys in MySQL's binary no-pad collation. */
final class MySqlDialect extends MariaDbDialect {

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    String uuidType() {
        return "char(36)";
    }

    @Override
    String keyCollation() {
        return " CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_bin";
    }
}
