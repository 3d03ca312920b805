package dev.cdc.golden;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compares Debezium's records with cdc's, record by record and field by field (numbers exactly,
 * field order too), and sorts every difference into "documented as deliberate" (a {@link Rule}
 * whose name docs/envelope.md lists with its reason) or "unexplained" (a failure).
 */
final class GoldenDiff {

    /** Exact numbers: every decimal a BigDecimal, integers of any size whole. */
    static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /**
     * A documented deliberate difference: where it applies ({@code <op>:<path>}, e.g.
     * {@code r:value.source.snapshot}; the op is {@code -} for tombstones and schema changes) and
     * its name in docs/envelope.md's table of deliberate differences.
     */
    record Rule(String name, Pattern where, Pattern debezium) {
        static Rule of(String name, String regex) {
            return new Rule(name, Pattern.compile(regex), null);
        }

        /** A rule that applies only where Debezium's value (as JSON text) matches {@code debeziumValue}. */
        static Rule of(String name, String regex, String debeziumValue) {
            return new Rule(name, Pattern.compile(regex), Pattern.compile(debeziumValue));
        }

        boolean applies(String at, Object debeziumValue) {
            return where.matcher(at).matches()
                    && (debezium == null || debezium.matcher(String.valueOf(debeziumValue)).matches());
        }
    }

    /** What a comparison found. */
    static final class Result {
        final List<String> unexplained = new ArrayList<>();
        final Map<String, Integer> explained = new LinkedHashMap<>();
        int records;
        int fields;

        @Override
        public String toString() {
            return records + " records, " + fields + " fields compared; deliberate differences " + explained
                    + "; unexplained " + unexplained.size() + (unexplained.isEmpty() ? "" : ":\n  "
                    + String.join("\n  ", unexplained.subList(0, Math.min(200, unexplained.size()))));
        }
    }

    private GoldenDiff() {
    }

    static JsonNode parse(String json) {
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compares the records of one topic, in order; {@code full}: with schemas. */
    static void compare(String label, List<DebeziumRun.Record> debezium, List<DebeziumRun.Record> cdc, boolean full,
                        List<Rule> rules, Result result) {
        int n = Math.max(debezium.size(), cdc.size());
        for (int i = 0; i < n; i++) {
            if (i >= debezium.size() || i >= cdc.size()) {
                DebeziumRun.Record extra = i < debezium.size() ? debezium.get(i) : cdc.get(i);
                result.unexplained.add(label + " #" + i + ": only " + (i < debezium.size() ? "Debezium" : "cdc")
                        + " wrote " + extra.topic() + " " + extra.key() + " " + abbreviate(extra.value()));
                continue;
            }
            DebeziumRun.Record d = debezium.get(i);
            DebeziumRun.Record c = cdc.get(i);
            result.records++;
            JsonNode dv = parse(full ? d.fullValue() : d.value());
            String op = op(dv);
            String where = label + " #" + i + " " + d.topic() + " key " + d.key();
            check(where, op, "topic", d.topic(), c.topic(), rules, result);
            diff(where, op, "key", parse(full ? d.fullKey() : d.key()), parse(full ? c.fullKey() : c.key()), rules, result);
            diff(where, op, "value", dv, parse(full ? c.fullValue() : c.value()), rules, result);
        }
    }

    private static String op(JsonNode value) {
        if (value == null) {
            return "-";
        }
        JsonNode payload = value.has("payload") && value.has("schema") ? value.get("payload") : value;
        return payload.hasNonNull("op") ? payload.get("op").asText() : "-";
    }

    private static void diff(String where, String op, String path, JsonNode d, JsonNode c, List<Rule> rules,
                             Result result) {
        if (d == null || c == null || d.getNodeType() != c.getNodeType() || !d.isContainerNode()) {
            check(where, op, path, d, c, rules, result);
            return;
        }
        if (d.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            d.fieldNames().forEachRemaining(names::add);
            c.fieldNames().forEachRemaining(names::add);
            List<String> dOrder = new ArrayList<>();
            d.fieldNames().forEachRemaining(dOrder::add);
            List<String> cOrder = new ArrayList<>();
            c.fieldNames().forEachRemaining(cOrder::add);
            if (dOrder.size() == cOrder.size() && new LinkedHashSet<>(dOrder).equals(new LinkedHashSet<>(cOrder))
                    && !dOrder.equals(cOrder)) {
                check(where, op, path + ".(order)", dOrder.toString(), cOrder.toString(), rules, result);
            }
            for (String name : names) {
                diff(where, op, path + "." + name, d.get(name), c.get(name), rules, result);
            }
        } else {
            for (int i = 0; i < Math.max(d.size(), c.size()); i++) {
                diff(where, op, path + "[" + i + "]", d.get(i), c.get(i), rules, result);
            }
        }
    }

    private static void check(String where, String op, String path, Object d, Object c, List<Rule> rules,
                              Result result) {
        result.fields++;
        if (same(d, c)) {
            return;
        }
        String at = op + ":" + path;
        for (Rule r : rules) {
            if (r.applies(at, d)) {
                result.explained.merge(r.name(), 1, Integer::sum);
                return;
            }
        }
        result.unexplained.add(where + " " + at + ": Debezium " + abbreviate(String.valueOf(d)) + ", cdc "
                + abbreviate(String.valueOf(c)));
    }

    private static boolean same(Object d, Object c) {
        if (d instanceof JsonNode a && c instanceof JsonNode b) {
            if (a.isNumber() && b.isNumber()) {
                return a.decimalValue().compareTo(b.decimalValue()) == 0;
            }
            return a.equals(b);
        }
        return d == null ? c == null : d.equals(c);
    }

    private static String abbreviate(String s) {
        return s == null || s.length() < 300 ? s : s.substring(0, 300) + "...";
    }

    /** The records of one topic. */
    static List<DebeziumRun.Record> topic(List<DebeziumRun.Record> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** Every distinct topic, in order of first appearance. */
    static List<String> topics(List<DebeziumRun.Record> records) {
        Set<String> topics = new LinkedHashSet<>();
        for (Iterator<DebeziumRun.Record> it = records.iterator(); it.hasNext(); ) {
            topics.add(it.next().topic());
        }
        return List.copyOf(topics);
    }
}
