package dev.cdc.api.schema;

import java.util.Locale;

/** The kinds of schema change, with the tags used in YAML and JSON. */
public enum SchemaChangeKind {
    CREATE_TABLE, DROP_TABLE, RENAME_TABLE, ADD_COLUMN, DROP_COLUMN, RENAME_COLUMN, ALTER_COLUMN_TYPE,
    ALTER_COLUMN_NULLABILITY, ALTER_COLUMN_DEFAULT, ALTER_PRIMARY_KEY;

    /** {@code add-column} etc. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static SchemaChangeKind fromTag(String tag) {
        for (SchemaChangeKind k : values()) {
            if (k.tag().equals(tag)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown schema change '" + tag + "'; known: "
                + java.util.Arrays.stream(values()).map(SchemaChangeKind::tag).toList());
    }
}
