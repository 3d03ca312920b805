package dev.cdc.plugins.transform;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.plugins.filter.ColumnPattern;

import java.util.List;

/** Options of the {@code mask-columns} transformer. */
public final class MaskColumnsOptions {

    public static final ConfigOption<List<String>> COLUMNS = ConfigOption.key("columns").listType().required()
            .check(globs -> !globs.isEmpty() && ColumnPattern.allValid(globs),
                    "a non-empty list of " + ColumnPattern.SYNTAX)
            .description("Columns to mask: bare column globs matching in every table (email, *_phone) or "
                    + "namespace.table.column globs (public.users.ssn, **.card_number); '*' matches within a "
                    + "name, '**' anything, '?' one character; case-sensitive. Masked in the before and after rows; "
                    + "SQL NULL stays NULL and unchanged (not sent) values stay unchanged. Masked columns become "
                    + "strings in schema changes.");

    public static final ConfigOption<MaskColumnsTransformer.Mode> MODE = ConfigOption.key("mode")
            .enumType(MaskColumnsTransformer.Mode.class).defaultValue(MaskColumnsTransformer.Mode.FIXED)
            .description("fixed: every value becomes 'replacement'. hash: every value becomes the lower-case hex "
                    + "SHA-256 of the salt followed by the value's text (UTF-8; raw bytes for bytes columns), so "
                    + "equal values stay equal and can still be joined on.");

    public static final ConfigOption<String> REPLACEMENT = ConfigOption.key("replacement").stringType()
            .defaultValue("****")
            .description("The text that replaces every masked value in fixed mode.");

    public static final ConfigOption<String> SALT = ConfigOption.key("salt").stringType().noDefaultValue().secret()
            .description("A secret prefixed to each value before hashing; required in hash mode (an unsalted hash "
                    + "of a short value such as a phone number is easily reversed). Keep it out of pipeline files "
                    + "with ${env:NAME} or ${file:/path}.");

    public static final ConfigOption<Boolean> INCLUDE_KEY = ConfigOption.key("include-key").booleanType()
            .defaultValue(false)
            .description("Also mask matching columns in the event's key. Off by default, since sinks address rows "
                    + "by their key; with mode hash it gives stable pseudonymous keys.");

    private MaskColumnsOptions() {
    }

    /** Every option, in the order {@code cdc plugins} prints them. */
    public static List<ConfigOption<?>> all() {
        return List.of(COLUMNS, MODE, REPLACEMENT, SALT, INCLUDE_KEY);
    }
}
