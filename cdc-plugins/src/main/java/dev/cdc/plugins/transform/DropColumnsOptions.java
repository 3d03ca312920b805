package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.plugins.filter.ColumnPattern;

import java.util.List;

/** Options of the {@code drop-columns} transformer. */
public final class DropColumnsOptions {

    public static final ConfigOption<List<String>> COLUMNS = ConfigOption.key("columns").listType().required()
            .check(globs -> !globs.isEmpty() && ColumnPattern.allValid(globs),
                    "a non-empty list of " + ColumnPattern.SYNTAX)
            .description("Columns to remove: bare column globs matching in every table (password, *_token) or "
                    + "namespace.table.column globs (public.users.email, **.ssn); '*' matches within a name, "
                    + "'**' anything, '?' one character; case-sensitive. They are removed from the before and after "
                    + "rows and from schema changes. A key column is removed from the rows only: it stays in the "
                    + "event's key and in the table schema (a primary key cannot lose its column), and a warning "
                    + "is logged.");

    private DropColumnsOptions() {
    }

    /** Every option, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return List.of(COLUMNS);
    }
}
