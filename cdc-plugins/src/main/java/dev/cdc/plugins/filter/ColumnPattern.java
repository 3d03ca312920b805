package dev.cdc.plugins.filter;

import dev.cdc.api.event.TableId;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A glob naming columns: {@code namespace.table.column}, or a bare {@code column} that matches
 * that column in every table. The part before the last '.' is a {@link TablePattern}; the part
 * after it is a glob over the column name with the same wildcards ({@code *}, {@code **},
 * {@code ?}). Examples: {@code password}, {@code *_token}, {@code public.users.email},
 * {@code **.ssn}. Matching is case-sensitive. Immutable and thread-safe.
 */
public final class ColumnPattern {

    /** What the option descriptions and error messages say a valid pattern is. */
    public static final String SYNTAX = "a bare column glob (email, *_token) or namespace.table.column "
            + "with table globs as for table patterns (public.users.email, **.ssn)";

    private final String glob;
    private final Optional<TablePattern> table;
    private final Pattern column;

    private ColumnPattern(String glob, Optional<TablePattern> table, Pattern column) {
        this.glob = glob;
        this.table = table;
        this.column = column;
    }

    /**
     * Compiles a glob.
     *
     * @throws IllegalArgumentException saying what is wrong when {@link #problem} finds something
     */
    public static ColumnPattern compile(String glob) {
        TablePattern.requireValid(glob, "column pattern", SYNTAX);
        int dot = glob.lastIndexOf('.');
        Optional<TablePattern> table = dot < 0 ? Optional.empty() : Optional.of(TablePattern.compile(glob.substring(0, dot)));
        String columnGlob = dot < 0 ? glob : glob.substring(dot + 1);
        return new ColumnPattern(glob, table, Pattern.compile(TablePattern.globToRegex(columnGlob)));
    }

    /** Compiles every glob, in order. */
    public static List<ColumnPattern> compileAll(Collection<String> globs) {
        return globs.stream().map(ColumnPattern::compile).toList();
    }

    /** What is wrong with the glob, or empty when it is valid: the rules of {@link TablePattern#problem}. */
    public static Optional<String> problem(String glob) {
        return TablePattern.problem(glob);
    }

    /** True when every glob is valid. */
    public static boolean allValid(Collection<String> globs) {
        return TablePattern.allValid(globs);
    }

    /** True when the pattern can match columns of this table (always, for a bare column glob). */
    public boolean appliesTo(TableId tableId) {
        return table.map(t -> t.matches(tableId)).orElse(true);
    }

    /** True when the column-name part matches, whatever the table. */
    public boolean matchesColumn(String columnName) {
        return column.matcher(columnName).matches();
    }

    /** True when the column of the table matches. */
    public boolean matches(TableId tableId, String columnName) {
        return appliesTo(tableId) && matchesColumn(columnName);
    }

    /** The glob as written. */
    public String glob() {
        return glob;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnPattern other && other.glob.equals(glob);
    }

    @Override
    public int hashCode() {
        return glob.hashCode();
    }

    @Override
    public String toString() {
        return glob;
    }
}
