package dev.cdc.api.event;

import java.util.Objects;

/**
 * A table's identity: a namespace (PostgreSQL schema, MySQL database; may be empty) and a name.
 * Written {@code namespace.name}, or just {@code name} when the namespace is empty.
 */
public record TableId(String namespace, String name) implements Comparable<TableId> {

    public TableId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a table name must not be empty");
        }
    }

    public static TableId of(String namespace, String name) {
        return new TableId(namespace, name);
    }

    /** Parses {@code namespace.name} (split at the last dot) or a bare {@code name}. */
    public static TableId parse(String text) {
        int dot = text.lastIndexOf('.');
        return dot < 0 ? new TableId("", text) : new TableId(text.substring(0, dot), text.substring(dot + 1));
    }

    public TableId withName(String newName) {
        return new TableId(namespace, newName);
    }

    @Override
    public int compareTo(TableId other) {
        int c = namespace.compareTo(other.namespace);
        return c != 0 ? c : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return namespace.isEmpty() ? name : namespace + "." + name;
    }
}
