package dev.cdc.sink.jdbc.dialect;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * A list as a PostgreSQL array literal ({@code {1,2,NULL}}, {@code {"a b","c\"d"}}), bound as text so
 * that the server parses it into the column's array type, whatever its element type.
 */
final class PgArrays {

    private PgArrays() {
    }

    static String literal(List<?> values) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values.get(i);
            if (v == null) {
                sb.append("NULL");
            } else if (v instanceof List<?> nested) {
                sb.append(literal(nested));
            } else {
                sb.append('"').append(text(v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.append('}').toString();
    }

    private static String text(Object v) {
        if (v instanceof byte[] bytes) {
            return "\\x" + HexFormat.of().formatHex(bytes);
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        return v.toString();
    }
}
