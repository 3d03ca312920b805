package dev.cdc.source.postgres.types;

/**
 * A row of {@code pg_type}: what the text parser and the schema mapper need to know.
 *
 * @param oid      the type's oid
 * @param name     {@code typname}
 * @param kind     {@code typtype}: b base, c composite, d domain, e enum, p pseudo, r range, m multirange
 * @param category {@code typcategory}: A array, N numeric, S string, ...
 * @param element  {@code typelem} for arrays, else 0
 * @param baseType {@code typbasetype} for domains, else 0
 * @param baseTypmod {@code typtypmod} for domains (the base type's modifier), else -1
 */
public record PgType(int oid, String name, char kind, char category, int element, int baseType, int baseTypmod) {

    public boolean isArray() {
        return category == 'A' && element != 0;
    }

    public boolean isDomain() {
        return kind == 'd';
    }

    public boolean isEnum() {
        return kind == 'e';
    }
}
