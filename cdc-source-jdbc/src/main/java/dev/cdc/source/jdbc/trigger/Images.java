package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Row;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.JdbcTypes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Row images as the triggers write them: a JSON object of column names to values. Scalars are
 * taken as their exact text (a number's digits, never a double), nested JSON (json columns,
 * arrays) as its JSON text as written, and turned into the column's logical type by {@link JdbcTypes#parse}.
 */
final class Images {

    private Images() {
    }

    /** Column name to value text (null for SQL NULL), in the image's order. */
    static Map<String, String> parse(String json) {
        try {
            return new Scanner(json).object();
        } catch (RuntimeException e) {
            throw new CdcException("a change-log row image is not a JSON object (" + e.getMessage() + "): "
                    + abbreviate(json), e);
        }
    }

    /**
     * The values of an image whose columns are exactly {@code names}, in that order (as the
     * triggers write them: the table's column order), without building a map; null when the
     * image has other columns or another order (then {@link #parse} and a look-up by name).
     */
    static String[] inOrder(String json, List<String> names) {
        try {
            return new Scanner(json).ordered(names);
        } catch (RuntimeException e) {
            throw new CdcException("a change-log row image is not a JSON object (" + e.getMessage() + "): "
                    + abbreviate(json), e);
        }
    }

    /**
     * A one-pass reader of the flat JSON objects the triggers write: string, number, boolean and
     * null values as their text, nested objects and arrays as their JSON text. (A general JSON
     * library spends most of its time on what these images never need.)
     */
    private static final class Scanner {
        private final String s;
        private int i;
        /** The next backslash at or after some earlier place (-1: none left): a string without one is a substring. */
        private int backslash;

        Scanner(String s) {
            this.s = s;
            this.backslash = s.indexOf('\\');
        }

        String[] ordered(List<String> names) {
            String[] out = new String[names.size()];
            expect('{');
            if (peek() == '}') {
                i++;
                return names.isEmpty() ? out : null;
            }
            int k = 0;
            while (true) {
                if (k == out.length || !name(names.get(k))) {
                    return null;
                }
                expect(':');
                out[k++] = value();
                char c = next();
                if (c == '}') {
                    return k == out.length ? out : null;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("',' or '}' expected at " + (i - 1));
                }
            }
        }

        /** Consumes {@code "name"} when the next member is named so (without escapes). */
        private boolean name(String name) {
            int at = i;
            while (Character.isWhitespace(s.charAt(at))) {
                at++;
            }
            int end = at + 1 + name.length();
            if (s.charAt(at) == '"' && s.startsWith(name, at + 1) && end < s.length() && s.charAt(end) == '"') {
                i = end + 1;
                return true;
            }
            return false;
        }

        Map<String, String> object() {
            Map<String, String> out = new LinkedHashMap<>();
            expect('{');
            if (peek() == '}') {
                i++;
                return out;
            }
            while (true) {
                String name = string();
                expect(':');
                out.put(name, value());
                char c = next();
                if (c == '}') {
                    return out;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("',' or '}' expected at " + (i - 1));
                }
            }
        }

        private String value() {
            char c = peek();
            switch (c) {
                case '"':
                    return string();
                case '{':
                case '[':
                    return nested();
                case 'n':
                    i += 4;
                    return null;
                default:
                    int start = i;
                    while (i < s.length()) {
                        char d = s.charAt(i);
                        if (d == ',' || d == '}' || d == ']' || d <= ' ') {
                            break;
                        }
                        i++;
                    }
                    return s.substring(start, i);
            }
        }

        private String nested() {
            int start = i;
            int depth = 0;
            do {
                char c = s.charAt(i++);
                if (c == '"') {
                    i--;
                    string();
                } else if (c == '{' || c == '[') {
                    depth++;
                } else if (c == '}' || c == ']') {
                    depth--;
                }
            } while (depth > 0);
            return s.substring(start, i);
        }

        private String string() {
            expect('"');
            int start = i;
            int end = s.indexOf('"', start);
            if (end < 0) {
                throw new IllegalArgumentException("unterminated string at " + start);
            }
            if (backslash >= 0 && backslash < start) {
                backslash = s.indexOf('\\', start);
            }
            if (backslash < 0 || backslash > end) {
                i = end + 1;
                return s.substring(start, end);
            }
            i = backslash;
            return escaped(start);
        }

        private String escaped(int start) {
            StringBuilder b = new StringBuilder(s.substring(start, i));
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'n' -> b.append('\n');
                    case 'r' -> b.append('\r');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                    }
                    default -> b.append(e);
                }
            }
        }

        private char peek() {
            while (Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("'" + c + "' expected at " + (i - 1));
            }
        }
    }

    /** Whether the image has exactly the table's columns (case-insensitively). */
    static boolean sameColumns(Map<String, String> image, JdbcTable table) {
        if (image.size() != table.columns().size()) {
            return false;
        }
        for (JdbcColumn c : table.columns()) {
            if (!has(image, c.name())) {
                return false;
            }
        }
        return true;
    }

    /** The row of values in the table's column order ({@link #inOrder}) in the columns' types. */
    static Row row(String[] texts, JdbcTable table, Row.Columns columns) {
        Object[] values = new Object[texts.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = parse(texts[i], table, table.columns().get(i));
        }
        return Row.of(columns, values);
    }

    private static Object parse(String text, JdbcTable table, JdbcColumn c) {
        try {
            return JdbcTypes.parse(text, c.type());
        } catch (RuntimeException e) {
            throw new CdcException("column " + table.id() + "." + c.name() + " holds '" + text + "' in the change"
                    + " log, which is not a " + c.type().describe() + ": " + e.getMessage(), e);
        }
    }

    /** The row in the table's columns and types; a column the image lacks is NULL. */
    static Row row(Map<String, String> image, JdbcTable table, Row.Columns columns) {
        Object[] values = new Object[table.columns().size()];
        for (int i = 0; i < values.length; i++) {
            JdbcColumn c = table.columns().get(i);
            values[i] = parse(value(image, c.name()), table, c);
        }
        return Row.of(columns, values);
    }

    /** Whether the image has the column (case-insensitively). */
    static boolean has(Map<String, String> image, String name) {
        return image.containsKey(name) || image.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name));
    }

    /** The column's value text in the image (case-insensitively); null when NULL or absent. */
    static String value(Map<String, String> image, String name) {
        return image.containsKey(name) ? image.get(name) : find(image, name);
    }

    private static String find(Map<String, String> image, String name) {
        for (Map.Entry<String, String> e : image.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
