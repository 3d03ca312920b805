package dev.cdc.format.debezium;

import java.util.HashMap;
import java.util.Map;

/**
 * PostgreSQL's hstore text ({@code "a"=>"1", "b"=>NULL}) as pgjdbc's {@code HStoreConverter}
 * reads it: into a {@link HashMap}, whose order Debezium's JSON keeps.
 */
final class HstoreText {

    private HstoreText() {
    }

    static Map<String, String> parse(String text) {
        Map<String, String> out = new HashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            i = skipSpace(text, i);
            if (i >= n) {
                break;
            }
            StringBuilder key = new StringBuilder();
            i = quoted(text, i, key);
            i = skipSpace(text, i) + 2; // =>
            i = skipSpace(text, i);
            String value;
            if (text.startsWith("NULL", i)) {
                value = null;
                i += 4;
            } else {
                StringBuilder v = new StringBuilder();
                i = quoted(text, i, v);
                value = v.toString();
            }
            out.put(key.toString(), value);
            i = skipSpace(text, i);
            if (i < n && text.charAt(i) == ',') {
                i++;
            }
        }
        return out;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Reads {@code "..."} (backslash escapes) from {@code i}; returns the index after it. */
    private static int quoted(String s, int i, StringBuilder into) {
        i++; // opening quote
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '\\' && i < s.length()) {
                into.append(s.charAt(i++));
            } else if (c == '"') {
                return i;
            } else {
                into.append(c);
            }
        }
        return i;
    }
}
