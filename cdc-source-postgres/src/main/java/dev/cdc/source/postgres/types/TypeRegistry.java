package dev.cdc.source.postgres.types;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The server's types by oid, read from {@code pg_type} and read again when an unknown oid shows
 * up (an enum or domain created after the source started). Used from the source thread only.
 */
public final class TypeRegistry {

    private static final String QUERY = "SELECT oid, typname, typtype, typcategory, typelem, typbasetype, typtypmod"
            + " FROM pg_catalog.pg_type";

    private final Map<Integer, PgType> byOid = new HashMap<>();
    private final Connection connection;
    private int moneyFractionDigits = MoneyText.DEFAULT_FRACTION_DIGITS;

    public TypeRegistry(Connection connection) {
        this.connection = connection;
    }

    /** A registry with these types only, for tests. */
    public static TypeRegistry of(Iterable<PgType> types) {
        TypeRegistry r = new TypeRegistry(null);
        types.forEach(t -> r.byOid.put(t.oid(), t));
        return r;
    }

    /** Reads {@code pg_type}, and the fraction digits of the server's {@code money} text. */
    public void load() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(MoneyText.PROBE)) {
            if (rs.next()) {
                moneyFractionDigits = MoneyText.fractionDigits(rs.getString(1));
            }
        }
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
            while (rs.next()) {
                PgType t = new PgType((int) rs.getLong(1), rs.getString(2), rs.getString(3).charAt(0),
                        rs.getString(4).charAt(0), (int) rs.getLong(5), (int) rs.getLong(6), rs.getInt(7));
                byOid.put(t.oid(), t);
            }
        }
    }

    /** The type, loading {@code pg_type} again once when the oid is unknown. */
    public Optional<PgType> find(int oid) throws SQLException {
        PgType t = byOid.get(oid);
        if (t == null && connection != null) {
            load();
            t = byOid.get(oid);
        }
        return Optional.ofNullable(t);
    }

    /** The value decoder for a column of this type and modifier. */
    public ValueDecoder decoder(int oid, int typmod) throws SQLException {
        Optional<PgType> t = find(oid);
        if (t.isEmpty()) {
            return ValueDecoder.other("oid " + oid);
        }
        PgType type = t.get();
        if (type.isDomain()) {
            return decoder(type.baseType(), type.baseTypmod());
        }
        if (type.isArray()) {
            ValueDecoder element = decoder(type.element(), typmod);
            return ValueDecoder.array(element);
        }
        if (type.isEnum()) {
            return ValueDecoder.text("enum");
        }
        return ValueDecoder.forBaseType(type.name(), typmod, moneyFractionDigits);
    }
}
