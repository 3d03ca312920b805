package dev.cdc.sink.jdbc.dialect;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a source's own type name says beyond the logical type: the declared length of a
 * character or binary column ({@code varchar(20)}, {@code character varying(20)}, {@code char(3)},
 * {@code varbinary(16)}), in the spellings of PostgreSQL, MySQL/MariaDB and standard SQL.
 */
final class SourceTypes {

    /** Character types: varchar, character varying, char, character, nvarchar, nchar, bpchar, varchar2. */
    static final Pattern TEXT = Pattern.compile(
            "(?:character varying|varchar2?|nvarchar|national character varying|char(?:acter)?|nchar|bpchar)"
                    + "\\s*\\(\\s*(\\d+)\\s*(?:char|byte)?\\s*\\).*");
    /** Binary types: varbinary, binary, binary varying. */
    static final Pattern BINARY = Pattern.compile("(?:varbinary|binary varying|binary)\\s*\\(\\s*(\\d+)\\s*\\).*");

    private SourceTypes() {
    }

    /** The declared length, when the source type is one of {@code kinds} with a length. */
    static Optional<Integer> length(Optional<String> sourceType, Pattern kinds) {
        if (sourceType.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = kinds.matcher(sourceType.get().trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(m.group(1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
