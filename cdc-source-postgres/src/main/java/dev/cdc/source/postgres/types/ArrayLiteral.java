package dev.cdc.source.postgres.types;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** Parses PostgreSQL's array text form ({@code {1,2,NULL}}, {@code {{a,"b c"},{d,e}}}, {@code [0:1]={x,y}}). */
final class ArrayLiteral {

    private final String text;
    private final Function<String, Object> element;
    private int pos;

    private ArrayLiteral(String text, Function<String, Object> element) {
        this.text = text;
        this.element = element;
    }

    static List<Object> parse(String text, Function<String, Object> element) {
        ArrayLiteral p = new ArrayLiteral(text, element);
        int eq = text.startsWith("[") ? text.indexOf("={") : -1;
        p.pos = eq < 0 ? 0 : eq + 1;
        return p.list();
    }

    private List<Object> list() {
        expect('{');
        List<Object> out = new ArrayList<>();
        if (text.charAt(pos) == '}') {
            pos++;
            return Collections.unmodifiableList(out);
        }
        while (true) {
            char c = text.charAt(pos);
            if (c == '{') {
                out.add(list());
            } else if (c == '"') {
                out.add(element.apply(quoted()));
            } else {
                int start = pos;
                while (text.charAt(pos) != ',' && text.charAt(pos) != '}') {
                    pos++;
                }
                String raw = text.substring(start, pos).trim();
                out.add(raw.equalsIgnoreCase("NULL") ? null : element.apply(raw));
            }
            char sep = text.charAt(pos++);
            if (sep == '}') {
                return Collections.unmodifiableList(out);
            }
            if (sep != ',') {
                throw new IllegalArgumentException("unexpected '" + sep + "' at " + (pos - 1) + " in array " + text);
            }
        }
    }

    private String quoted() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = text.charAt(pos++);
            if (c == '\\') {
                sb.append(text.charAt(pos++));
            } else if (c == '"') {
                return sb.toString();
            } else {
                sb.append(c);
            }
        }
    }

    private void expect(char c) {
        if (text.charAt(pos) != c) {
            throw new IllegalArgumentException("expected '" + c + "' at " + pos + " in array " + text);
        }
        pos++;
    }
}
