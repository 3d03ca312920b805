package dev.cdc.source.jdbc.trigger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Row;
import dev.cdc.source.jdbc.catalog.JdbcColumn;
import dev.cdc.source.jdbc.catalog.JdbcTable;
import dev.cdc.source.jdbc.catalog.JdbcTypes;

import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Row images as the triggers write them: a JSON object of column names to values. Scalars are
 * taken as their exact text (a number's digits, never a double), nested JSON (json columns,
 * arrays) as its JSON text, and turned into the column's logical type by {@link JdbcTypes#parse}.
 */
final class Images {

    private static final JsonFactory JSON = new JsonFactory();

    private Images() {
    }

    /** Column name to value text (null for SQL NULL), in the image's order. */
    static Map<String, String> parse(String json) {
        Map<String, String> out = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CdcException("a change-log row image is not a JSON object: " + abbreviate(json));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                out.put(name, switch (t) {
                    case VALUE_NULL -> null;
                    case START_OBJECT, START_ARRAY -> nested(p);
                    default -> p.getText();
                });
            }
        } catch (IOException e) {
            throw new CdcException("a change-log row image is not valid JSON (" + e.getMessage() + "): "
                    + abbreviate(json), e);
        }
        return out;
    }

    private static String nested(JsonParser p) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.copyCurrentStructure(p);
        }
        return w.toString();
    }

    /** Whether the image has exactly the table's columns (case-insensitively). */
    static boolean sameColumns(Map<String, String> image, JdbcTable table) {
        if (image.size() != table.columns().size()) {
            return false;
        }
        for (JdbcColumn c : table.columns()) {
            if (!image.containsKey(c.name()) && image.keySet().stream().noneMatch(k -> k.equalsIgnoreCase(c.name()))) {
                return false;
            }
        }
        return true;
    }

    /** The row in the table's columns and types; a column the image lacks is NULL. */
    static Row row(Map<String, String> image, JdbcTable table, Row.Columns columns) {
        Object[] values = new Object[table.columns().size()];
        for (int i = 0; i < values.length; i++) {
            JdbcColumn c = table.columns().get(i);
            String text = image.containsKey(c.name()) ? image.get(c.name()) : find(image, c.name());
            try {
                values[i] = JdbcTypes.parse(text, c.type());
            } catch (RuntimeException e) {
                throw new CdcException("column " + table.id() + "." + c.name() + " holds '" + text + "' in the change"
                        + " log, which is not a " + c.type().describe() + ": " + e.getMessage(), e);
            }
        }
        return Row.of(columns, values);
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
