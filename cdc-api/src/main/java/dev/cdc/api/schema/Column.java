package dev.cdc.api.schema;

import java.util.Objects;
import java.util.Optional;

/**
 * A column of a table.
 *
 * @param name           the column's name
 * @param type           its logical type
 * @param nullable       whether it may hold NULL
 * @param defaultValue   its default expression as the source states it, when known
 * @param sourceType     the source's own type name ({@code varchar(255)}, {@code jsonb}), when known
 */
public record Column(String name, DataType type, boolean nullable, Optional<String> defaultValue,
                     Optional<String> sourceType) {

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(sourceType, "sourceType");
    }

    public static Column of(String name, DataType type) {
        return new Column(name, type, true, Optional.empty(), Optional.empty());
    }

    public static Column notNull(String name, DataType type) {
        return new Column(name, type, false, Optional.empty(), Optional.empty());
    }

    public Column withType(DataType newType) {
        return new Column(name, newType, nullable, defaultValue, sourceType);
    }

    public Column withName(String newName) {
        return new Column(newName, type, nullable, defaultValue, sourceType);
    }

    public Column withNullable(boolean newNullable) {
        return new Column(name, type, newNullable, defaultValue, sourceType);
    }

    public Column withSourceType(String newSourceType) {
        return new Column(name, type, nullable, defaultValue, Optional.of(newSourceType));
    }

    public Column withDefault(String newDefault) {
        return new Column(name, type, nullable, Optional.ofNullable(newDefault), sourceType);
    }
}
