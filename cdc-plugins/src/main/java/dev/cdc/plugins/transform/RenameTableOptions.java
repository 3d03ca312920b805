package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.event.TableId;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Options of the {@code rename-table} transformer. Give {@code mapping}, or {@code pattern} with {@code replacement}, or both. */
public final class RenameTableOptions {

    public static final ConfigOption<Map<String, String>> MAPPING = ConfigOption.key("mapping").mapType()
            .noDefaultValue()
            .check(m -> m.entrySet().stream().allMatch(e -> isTableName(e.getKey()) && isTableName(e.getValue())),
                    "a mapping from namespace.table to namespace.table, with no empty name")
            .description("Exact renames, from namespace.table to namespace.table: {public.orders: archive.orders}. "
                    + "Tried before 'pattern'.");

    public static final ConfigOption<String> PATTERN = ConfigOption.key("pattern").stringType().noDefaultValue()
            .check(RenameTableOptions::isRegex, "a valid Java regular expression")
            .description("A Java regular expression that must match the whole namespace.table (namespace.table "
                    + "or just table when there is no namespace); tables it matches are renamed to 'replacement'. "
                    + "Example: public\\.(.*) with replacement archive.$1.");

    public static final ConfigOption<String> REPLACEMENT = ConfigOption.key("replacement").stringType().noDefaultValue()
            .description("The new namespace.table for tables that 'pattern' matches; $1, $2 ... insert the "
                    + "pattern's groups and ${name} its named groups; write \\$ for a literal $. The result is "
                    + "split at its last '.' into namespace and name.");

    private RenameTableOptions() {
    }

    /** Every option, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return List.of(MAPPING, PATTERN, REPLACEMENT);
    }

    private static boolean isTableName(String text) {
        try {
            TableId.parse(text);
            return !text.isBlank() && !text.startsWith(".");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isRegex(String text) {
        try {
            Pattern.compile(text);
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }

    /**
     * What is wrong with a replacement for a pattern with {@code groups} groups (a '$' not followed
     * by a group or a number above the group count), or empty when it looks valid.
     */
    static Optional<String> replacementProblem(String replacement, int groups) {
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                i++;
                if (i == replacement.length()) {
                    return Optional.of("ends with a lone '\\'");
                }
            } else if (c == '$') {
                if (i + 1 == replacement.length()) {
                    return Optional.of("ends with a lone '$'; write \\$ for a literal $");
                }
                char next = replacement.charAt(i + 1);
                if (Character.isDigit(next) && next - '0' > groups) {
                    return Optional.of("refers to group $" + next + " but the pattern has " + groups + " group(s)");
                }
                if (!Character.isDigit(next) && next != '{') {
                    return Optional.of("has a '$' not followed by a group number or {name}; write \\$ for a literal $");
                }
            }
        }
        return Optional.empty();
    }
}
