package dev.cdc.plugins.filter;

import dev.cdc.api.config.ConfigOption;

import java.util.List;

/** Options of the {@code table} filter. */
public final class TableFilterOptions {

    public static final ConfigOption<List<String>> INCLUDE = ConfigOption.key("include").listType()
            .defaultValue(List.of("**"))
            .check(globs -> !globs.isEmpty() && TablePattern.allValid(globs),
                    "a non-empty list of " + TablePattern.SYNTAX + " (omit the option to keep every table)")
            .description("Tables to keep: globs over namespace.table. '*' matches within one name, '**' matches "
                    + "anything (dots too), '?' matches one character; case-sensitive. A table is kept when some "
                    + "include pattern matches it and no exclude pattern does. Default: every table.");

    public static final ConfigOption<List<String>> EXCLUDE = ConfigOption.key("exclude").listType()
            .defaultValue(List.of())
            .check(TablePattern::allValid, "a list of " + TablePattern.SYNTAX)
            .description("Tables to drop, with the same globs as 'include'; exclude wins over include. "
                    + "Applies to schema changes as well as row changes. Default: none.");

    private TableFilterOptions() {
    }

    /** Every option, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return List.of(INCLUDE, EXCLUDE);
    }
}
