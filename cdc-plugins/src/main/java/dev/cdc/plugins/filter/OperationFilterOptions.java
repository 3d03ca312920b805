package dev.cdc.plugins.filter;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.event.Operation;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Options of the {@code operation} filter. */
public final class OperationFilterOptions {

    private static final String OPERATIONS = "operations among create (c, insert), update (u), delete (d), "
            + "read (r, snapshot), truncate (t)";

    public static final ConfigOption<List<String>> INCLUDE = ConfigOption.key("include").listType()
            .defaultValue(List.of("create", "update", "delete", "read", "truncate"))
            .check(ops -> !ops.isEmpty() && allValid(ops),
                    "a non-empty list of " + OPERATIONS + " (omit the option to keep every operation)")
            .description("Operations to keep: create (or insert, c), update (u), delete (d), read (snapshot "
                    + "rows; or snapshot, r), truncate (t). Schema changes are always kept. Default: all.");

    public static final ConfigOption<List<String>> EXCLUDE = ConfigOption.key("exclude").listType()
            .defaultValue(List.of())
            .check(OperationFilterOptions::allValid, "a list of " + OPERATIONS)
            .description("Operations to drop, named as for 'include'; exclude wins over include. Default: none.");

    private OperationFilterOptions() {
    }

    /** Every option, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return List.of(INCLUDE, EXCLUDE);
    }

    /** The operations named, parsed with {@link Operation#parse}. */
    static Set<Operation> parse(Collection<String> names) {
        Set<Operation> ops = EnumSet.noneOf(Operation.class);
        names.forEach(n -> ops.add(Operation.parse(n)));
        return ops;
    }

    private static boolean allValid(Collection<String> names) {
        try {
            parse(names);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
