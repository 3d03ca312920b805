package dev.cdc.api.schema;

import dev.cdc.api.event.TableId;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One change between two versions of a table's schema. Dispatch with {@code instanceof}
 * patterns; {@link #kind()} gives the YAML tag.
 */
public sealed interface SchemaChange {

    SchemaChangeKind kind();

    /** A human-readable one-line description: {@code add column email string}. */
    String describe();

    record CreateTable(TableSchema schema) implements SchemaChange {
        public CreateTable {
            Objects.requireNonNull(schema, "schema");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.CREATE_TABLE;
        }

        public String describe() {
            return "create table " + schema.table() + " with columns " + schema.columnNames();
        }
    }

    record DropTable(TableId table) implements SchemaChange {
        public DropTable {
            Objects.requireNonNull(table, "table");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.DROP_TABLE;
        }

        public String describe() {
            return "drop table " + table;
        }
    }

    record RenameTable(TableId from, TableId to) implements SchemaChange {
        public RenameTable {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.RENAME_TABLE;
        }

        public String describe() {
            return "rename table " + from + " to " + to;
        }
    }

    /** A column added; {@code after} names the column it follows, when the source says. */
    record AddColumn(Column column, Optional<String> after) implements SchemaChange {
        public AddColumn {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(after, "after");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.ADD_COLUMN;
        }

        public String describe() {
            return "add column " + column.name() + " " + column.type().describe();
        }
    }

    record DropColumn(String column) implements SchemaChange {
        public DropColumn {
            Objects.requireNonNull(column, "column");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.DROP_COLUMN;
        }

        public String describe() {
            return "drop column " + column;
        }
    }

    record RenameColumn(String from, String to) implements SchemaChange {
        public RenameColumn {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.RENAME_COLUMN;
        }

        public String describe() {
            return "rename column " + from + " to " + to;
        }
    }

    /**
     * A column's type changed: its logical type, or only its source type with the same logical type
     * ({@code varchar(20)} to {@code varchar(200)}, both {@code string}), which a sink that keeps
     * source types (a SQL table) follows too.
     *
     * @param fromSourceType the source's type name before, when known
     * @param toSourceType   the source's type name after, when known
     */
    record AlterColumnType(String column, DataType from, DataType to, Optional<String> fromSourceType,
                           Optional<String> toSourceType) implements SchemaChange {
        public AlterColumnType {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(fromSourceType, "fromSourceType");
            Objects.requireNonNull(toSourceType, "toSourceType");
        }

        /** A change of logical type, with no source type names. */
        public AlterColumnType(String column, DataType from, DataType to) {
            this(column, from, to, Optional.empty(), Optional.empty());
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.ALTER_COLUMN_TYPE;
        }

        /** {@code alter column qty type int32 -> int64}, with the source types when they say more. */
        public String describe() {
            String text = "alter column " + column + " type " + from.describe() + " -> " + to.describe();
            if (fromSourceType.isPresent() && toSourceType.isPresent() && !fromSourceType.equals(toSourceType)) {
                text += " (" + fromSourceType.get() + " -> " + toSourceType.get() + ")";
            }
            return text;
        }
    }

    record AlterColumnNullability(String column, boolean nullable) implements SchemaChange {
        public AlterColumnNullability {
            Objects.requireNonNull(column, "column");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.ALTER_COLUMN_NULLABILITY;
        }

        public String describe() {
            return "alter column " + column + (nullable ? " drop not null" : " set not null");
        }
    }

    record AlterColumnDefault(String column, Optional<String> defaultValue) implements SchemaChange {
        public AlterColumnDefault {
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(defaultValue, "defaultValue");
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.ALTER_COLUMN_DEFAULT;
        }

        public String describe() {
            return "alter column " + column + defaultValue.map(d -> " set default " + d).orElse(" drop default");
        }
    }

    record AlterPrimaryKey(List<String> from, List<String> to) implements SchemaChange {
        public AlterPrimaryKey {
            from = List.copyOf(from);
            to = List.copyOf(to);
        }

        public SchemaChangeKind kind() {
            return SchemaChangeKind.ALTER_PRIMARY_KEY;
        }

        public String describe() {
            return "alter primary key " + from + " -> " + to;
        }
    }
}
