package dev.cdc.plugins.filter;

import dev.cdc.api.event.TableId;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A glob over a table's qualified name, {@code namespace.table} (or just {@code table} when the
 * namespace is empty), compiled once to a regular expression. Matching is case-sensitive.
 *
 * <ul>
 *   <li>{@code *} matches any characters except '.', so it stays within one name segment:
 *   {@code public.*} matches every table of schema {@code public};</li>
 *   <li>{@code **} matches any characters, dots included: {@code **} matches every table,
 *   {@code **.orders} every table named {@code orders} that has a namespace;</li>
 *   <li>{@code ?} matches exactly one character except '.';</li>
 *   <li>everything else matches itself.</li>
 * </ul>
 * A pattern without a dot matches only tables without a namespace; write {@code *.orders} for
 * {@code orders} in any (one-segment) namespace. Immutable and thread-safe.
 */
public final class TablePattern {

    /** What the option descriptions and error messages say a valid pattern is. */
    public static final String SYNTAX = "a glob over namespace.table where * matches within one name, "
            + "** matches anything and ? matches one character (e.g. public.*, **.orders, inventory.order_?)";

    private final String glob;
    private final Pattern regex;

    private TablePattern(String glob, Pattern regex) {
        this.glob = glob;
        this.regex = regex;
    }

    /**
     * Compiles a glob.
     *
     * @throws IllegalArgumentException saying what is wrong when {@link #problem} finds something
     */
    public static TablePattern compile(String glob) {
        requireValid(glob, "table pattern", SYNTAX);
        return new TablePattern(glob, Pattern.compile(globToRegex(glob)));
    }

    /** Throws, naming the glob, its problem and the {@code syntax} expected, when {@link #problem} finds one. */
    static void requireValid(String glob, String what, String syntax) {
        Objects.requireNonNull(glob, what);
        problem(glob).ifPresent(p -> {
            throw new IllegalArgumentException(what + " '" + glob + "' " + p + "; expected " + syntax);
        });
    }

    /** Compiles every glob, in order. */
    public static List<TablePattern> compileAll(Collection<String> globs) {
        return globs.stream().map(TablePattern::compile).toList();
    }

    /** What is wrong with the glob ("is empty", "has an empty name segment"), or empty when it is valid. */
    public static Optional<String> problem(String glob) {
        String g = glob.trim();
        if (g.isEmpty()) {
            return Optional.of("is empty");
        }
        if (!g.equals(glob)) {
            return Optional.of("has leading or trailing spaces");
        }
        for (String segment : glob.split("\\.", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("has an empty name segment (a leading, trailing or doubled '.')");
            }
        }
        return Optional.empty();
    }

    /** True when every glob is valid. */
    public static boolean allValid(Collection<String> globs) {
        return globs.stream().allMatch(g -> problem(g).isEmpty());
    }

    /** True when the table's qualified name matches. */
    public boolean matches(TableId table) {
        return regex.matcher(table.toString()).matches();
    }

    /** True when some pattern matches the table. */
    public static boolean anyMatches(Collection<TablePattern> patterns, TableId table) {
        for (TablePattern p : patterns) {
            if (p.matches(table)) {
                return true;
            }
        }
        return false;
    }

    /** The glob as written. */
    public String glob() {
        return glob;
    }

    /**
     * The regular expression of a glob: {@code **} is {@code .*}, {@code *} is {@code [^.]*},
     * {@code ?} is {@code [^.]}, everything else is quoted.
     */
    static String globToRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                sb.append(".*");
                i += 2;
                continue;
            }
            switch (c) {
                case '*' -> sb.append("[^.]*");
                case '?' -> sb.append("[^.]");
                default -> sb.append(Pattern.quote(String.valueOf(c)));
            }
            i++;
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TablePattern other && other.glob.equals(glob);
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
