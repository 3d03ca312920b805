package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.api.event.Row;
import dev.cdc.testkit.fixture.EsTestIndex;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads test indexes as rows, bypassing the sink; requests and removal are the testkit's {@link EsTestIndex}. */
final class EsTestIndexes {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private EsTestIndexes() {
    }

    static JsonNode request(String method, String path, String body) throws IOException, InterruptedException {
        return EsTestIndex.request(method, path, body);
    }

    /** Every document of the index (after a refresh), as rows; empty when the index does not exist. */
    static List<Row> rows(String index) throws IOException, InterruptedException {
        request("POST", "/" + index + "/_refresh", null);
        JsonNode r = request("GET", "/" + index + "/_search?size=10000", "{\"query\":{\"match_all\":{}}}");
        List<Row> rows = new ArrayList<>();
        for (JsonNode hit : r.path("hits").path("hits")) {
            rows.add(toRow(hit.path("_source")));
        }
        return rows;
    }

    static long count(String index) throws IOException, InterruptedException {
        request("POST", "/" + index + "/_refresh", null);
        return request("GET", "/" + index + "/_count", null).path("count").asLong();
    }

    static Row toRow(JsonNode source) {
        Row.Builder b = Row.builder();
        source.fields().forEachRemaining(f -> b.put(f.getKey(), value(f.getValue())));
        return b.build();
    }

    static Object value(JsonNode n) {
        if (n.isNull()) {
            return null;
        } else if (n.isIntegralNumber()) {
            return n.longValue();
        } else if (n.isNumber()) {
            return new BigDecimal(n.asText());
        } else if (n.isBoolean()) {
            return n.booleanValue();
        } else if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(e -> l.add(value(e)));
            return l;
        } else if (n.isObject()) {
            return MAPPER.convertValue(n, Map.class);
        }
        return n.asText();
    }

    /** Deletes every index whose name starts with the prefix (by name: wildcard deletes are off). */
    static void deleteAll(String prefix) {
        EsTestIndex.deleteAll(prefix);
    }

    /** The field mapping of one field of the index, e.g. {"type":"long"}. */
    static JsonNode fieldMapping(String index, String field) throws IOException, InterruptedException {
        JsonNode r = request("GET", "/" + index + "/_mapping", null);
        return r.elements().next().path("mappings").path("properties").path(field);
    }
}
