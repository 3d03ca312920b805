package dev.cdc.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.SchemaEvolutionException;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.TableSchema;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The indexes the sink writes, each known by its alias (the name the {@code index} template
 * gives) over a concrete index {@code <alias>_v<N>}. Creates an index with the mapping of the
 * table's schema (when known) on first sight, adds field mappings before the first document that
 * carries a new field, and migrates an index whose field changed type: a new {@code _v<N+1>} index
 * with the new mapping, filled by scroll + bulk (keeping external versions), then an atomic
 * alias switch that also deletes the old index.
 *
 * <p>An index that exists without the alias (created by someone else) is used as it is; a type
 * change of one of its fields fails with a {@link SchemaEvolutionException} saying so.
 * Called from the lane thread only.
 */
final class Indexes {

    private static final System.Logger LOG = System.getLogger(Indexes.class.getName());
    private static final Pattern VERSIONED = Pattern.compile("(.*)_v(\\d+)");

    /** The key in the index mapping's {@code _meta} that holds {@link State#migratedAt}. */
    static final String META_MIGRATED_AT = "cdc_migrated_at_version";

    /** What the sink knows of one alias: its concrete index and its top-level fields' mappings. */
    static final class State {
        final String alias;
        String concrete;
        boolean managed;
        final Map<String, JsonNode> fields = new HashMap<>();
        /**
         * The external version of the schema change that last moved the index to a new version
         * (0 if none): every row older than it was written and flushed before the move and copied
         * with it, so an older row replayed now is stale whatever its shape.
         */
        long migratedAt;

        State(String alias) {
            this.alias = alias;
        }
    }

    private final EsClient client;
    private final FieldMappings mappings;
    private final Map<String, String> settings;
    private final Map<String, State> states = new HashMap<>();
    /** Documents per scroll page of a migration (a field so tests can make pages small). */
    int pageSize = 1000;
    /** Called after each copied page of a migration with the number of pages copied (tests inject crashes here). */
    java.util.function.IntConsumer afterPage = pages -> { };

    Indexes(EsClient client, FieldMappings mappings, Map<String, String> settings) {
        this.client = client;
        this.mappings = mappings;
        this.settings = settings;
    }

    /** The state of the alias, reading or creating the index the first time. */
    State ensure(String alias, TableId table, Optional<TableSchema> schema) {
        State s = states.get(alias);
        if (s != null) {
            return s;
        }
        s = load(alias);
        if (s == null) {
            s = create(alias, table, schema);
        }
        states.put(alias, s);
        return s;
    }

    /** Forgets what is known (after a truncate, or when in doubt); read again on next use. */
    void forget(String alias) {
        states.remove(alias);
    }

    private State load(String alias) {
        EsClient.Reply r = client.send("GET", "/" + alias + "/_mapping", null, true);
        if (r.status() == 404) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> it = r.body().fields();
        if (!it.hasNext()) {
            return null;
        }
        Map.Entry<String, JsonNode> e = it.next();
        if (it.hasNext()) {
            throw new CdcException("'" + alias + "' names several indexes; the elasticsearch sink writes to one index"
                    + " or to an alias with one index; change the sink option 'index'");
        }
        State s = new State(alias);
        s.concrete = e.getKey();
        s.managed = !s.concrete.equals(alias);
        e.getValue().path("mappings").path("properties").fields()
                .forEachRemaining(f -> s.fields.put(f.getKey(), f.getValue()));
        s.migratedAt = e.getValue().path("mappings").path("_meta").path(META_MIGRATED_AT).asLong(0);
        return s;
    }

    private State create(String alias, TableId table, Optional<TableSchema> schema) {
        State s = new State(alias);
        s.concrete = alias + "_v1";
        s.managed = true;
        Map<String, Object> properties = new LinkedHashMap<>();
        schema.ifPresent(t -> t.columns().forEach(c -> properties.put(c.name(), mappings.of(table, c))));
        createIndex(s.concrete, alias, properties, 0);
        properties.forEach((k, v) -> s.fields.put(k, EsJson.MAPPER.valueToTree(v)));
        return s;
    }

    private void createIndex(String concrete, String alias, Map<String, Object> properties, long migratedAt) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (!settings.isEmpty()) {
            Map<String, Object> index = new LinkedHashMap<>();
            settings.forEach((k, v) -> index.put(k.startsWith("index.") ? k.substring(6) : k, v));
            body.put("settings", Map.of("index", index));
        }
        body.put("mappings", migratedAt > 0
                ? Map.of("_meta", Map.of(META_MIGRATED_AT, migratedAt), "properties", properties)
                : Map.of("properties", properties));
        if (alias != null) {
            body.put("aliases", Map.of(alias, Map.of("is_write_index", true)));
        }
        try {
            client.send("PUT", "/" + concrete, EsJson.MAPPER.writeValueAsString(body), false);
        } catch (EsClient.EsRequestException e) {
            if (!e.getMessage().contains("resource_already_exists_exception")) {
                throw new CdcException("could not create index '" + concrete + "': " + e.getMessage()
                        + "; check the sink options 'index', 'index-settings' and 'column-types'", e);
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds mappings for fields the index does not have yet; does nothing when none is new. */
    void addFields(State s, Map<String, Map<String, Object>> newFields) {
        if (newFields.isEmpty()) {
            return;
        }
        try {
            client.send("PUT", "/" + s.alias + "/_mapping",
                    EsJson.MAPPER.writeValueAsString(Map.of("properties", newFields)), false);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        newFields.forEach((k, v) -> s.fields.put(k, EsJson.MAPPER.valueToTree(v)));
    }

    /**
     * Brings the index of the alias to the schema: new columns get their mapping; a column whose
     * field type changed moves the index to a new version (reindex + alias switch).
     */
    void apply(String alias, SchemaChangeEvent change, TableSchema after, long changeVersion) {
        // read the index as it is now, not as remembered: an earlier attempt of this change may
        // have moved the alias although its answer was lost (timeout), or another process did
        forget(alias);
        State s = ensure(alias, change.table(), Optional.of(after));
        Map<String, Map<String, Object>> added = new LinkedHashMap<>();
        Map<String, Map<String, Object>> changed = new LinkedHashMap<>();
        for (Column c : after.columns()) {
            Map<String, Object> wanted = mappings.of(change.table(), c);
            JsonNode have = s.fields.get(c.name());
            if (have == null) {
                added.put(c.name(), wanted);
            } else if (!sameType(have, wanted)) {
                changed.put(c.name(), wanted);
            }
        }
        if (!changed.isEmpty() && changeVersion > 0 && changeVersion < s.migratedAt) {
            // an older change than the one the index was last moved to (a replay from an older
            // checkpoint): the index already has a later shape; moving it back would fail on the
            // newer values or undo the later change until it is replayed too
            LOG.log(System.Logger.Level.INFO, "index ''{0}'' was moved to a later schema (at version {1}) than the"
                    + " replayed change of {2} (at version {3}); the types of {4} are left as they are", s.alias,
                    s.migratedAt, change.table(), changeVersion, changed.keySet());
            changed.clear();
        }
        try {
            addFields(s, added);
            if (!changed.isEmpty()) {
                migrate(s, change, changed, changeVersion);
            }
        } catch (RuntimeException e) {
            forget(alias); // in doubt: read the index again on next use
            throw e;
        }
    }

    /**
     * Empties the index behind the alias: a new, empty version of the index with the same mapping
     * takes the alias in one atomic step, and the old one is deleted with it.
     */
    void truncate(String alias) {
        forget(alias); // as in apply: the alias may have moved although an earlier answer was lost
        State s = load(alias);
        if (s == null) {
            return;
        }
        if (!s.managed) {
            throw new CdcException("cannot truncate index '" + alias + "': it is not an alias the sink manages (the"
                    + " sink empties an index by switching its alias to a new empty version); let the sink create"
                    + " its indexes, or drop TRUNCATE events with the 'operation' filter");
        }
        Matcher m = VERSIONED.matcher(s.concrete);
        int version = m.matches() ? Integer.parseInt(m.group(2)) : 1;
        String next = s.alias + "_v" + (version + 1);
        Map<String, Object> properties = new LinkedHashMap<>(s.fields);
        client.send("DELETE", "/" + next, null, true); // a leftover of an attempt that did not finish
        createIndex(next, null, properties, s.migratedAt);
        switchAlias(s, next);
        states.put(alias, s);
    }

    private void switchAlias(State s, String next) {
        String actions = "{\"actions\":[{\"add\":{\"index\":\"" + next + "\",\"alias\":\"" + s.alias
                + "\",\"is_write_index\":true}},{\"remove_index\":{\"index\":\"" + s.concrete + "\"}}]}";
        client.send("POST", "/_aliases", actions, false);
        s.concrete = next;
    }

    /**
     * Copies every document with its version (scroll + bulk with external versions, as this
     * Elasticsearch may lack the reindex module). Answers null, or the first rejection.
     */
    private String copyDocuments(String from, String to) {
        client.send("POST", "/" + from + "/_refresh", null, false); // a search sees refreshed documents only
        JsonNode page = client.json("POST", "/" + from + "/_search?scroll=2m",
                "{\"size\":" + pageSize + ",\"version\":true,\"sort\":[\"_doc\"],\"query\":{\"match_all\":{}}}");
        String scrollId = page.path("_scroll_id").asText(null);
        int pages = 0;
        try {
            while (page.path("hits").path("hits").size() > 0) {
                StringBuilder body = new StringBuilder();
                for (JsonNode hit : page.path("hits").path("hits")) {
                    ObjectNode action = EsJson.MAPPER.createObjectNode();
                    action.putObject("index").put("_index", to).put("_id", hit.path("_id").asText())
                            .put("version", hit.path("_version").asLong()).put("version_type", "external");
                    body.append(action).append('\n').append(hit.path("_source")).append('\n');
                }
                JsonNode result = client.ndjson("/_bulk", body.toString());
                if (result.path("errors").asBoolean()) {
                    int rejected = 0;
                    String first = null;
                    for (JsonNode item : result.path("items")) {
                        JsonNode r = item.elements().next();
                        if (r.has("error") && r.path("status").asInt() != 409) {
                            rejected++;
                            if (first == null) {
                                first = "document '" + r.path("_id").asText() + "': " + EsClient.reason(r);
                            }
                        }
                    }
                    if (first != null) {
                        return rejected + " existing document(s) of a page do not fit, first " + first;
                    }
                }
                afterPage.accept(++pages);
                page = client.json("POST", "/_search/scroll",
                        "{\"scroll\":\"2m\",\"scroll_id\":\"" + scrollId + "\"}");
                scrollId = page.path("_scroll_id").asText(scrollId);
            }
            return null;
        } finally {
            if (scrollId != null) {
                client.send("DELETE", "/_search/scroll", "{\"scroll_id\":\"" + scrollId + "\"}", true);
            }
        }
    }

    private static boolean sameType(JsonNode have, Map<String, Object> wanted) {
        String haveType = have.path("type").asText(have.has("properties") ? "object" : "");
        return haveType.equals(wanted.get("type"))
                && have.path("ignore_malformed").asBoolean(false) == Boolean.TRUE.equals(wanted.get("ignore_malformed"))
                && (!wanted.containsKey("scaling_factor")
                || have.path("scaling_factor").asDouble() == ((Number) wanted.get("scaling_factor")).doubleValue())
                && (!wanted.containsKey("format") || have.path("format").asText().equals(wanted.get("format")));
    }

    private void migrate(State s, SchemaChangeEvent change, Map<String, Map<String, Object>> changed,
                         long changeVersion) {
        if (!s.managed) {
            throw new SchemaEvolutionException("the type of " + changed.keySet() + " of " + change.table()
                    + " changed, but index '" + s.alias + "' is not an alias the sink manages, so it cannot be"
                    + " reindexed behind an alias switch; reindex it yourself into a new index with an alias named '"
                    + s.alias + "', or let the sink create its indexes", change);
        }
        Matcher m = VERSIONED.matcher(s.concrete);
        int version = m.matches() ? Integer.parseInt(m.group(2)) : 1;
        String next = s.alias + "_v" + (version + 1);
        Map<String, Object> properties = new LinkedHashMap<>();
        s.fields.forEach((k, v) -> properties.put(k, v));
        properties.putAll(changed);
        // s was just read from the server, so next is not the alias's index: whatever holds that
        // name is the leftover of an attempt that failed or was killed before its alias switch
        client.send("DELETE", "/" + next, null, true);
        createIndex(next, null, properties, Math.max(s.migratedAt, changeVersion));
        String failure;
        try {
            failure = copyDocuments(s.concrete, next);
        } catch (RuntimeException e) {
            try {
                client.send("DELETE", "/" + next, null, true);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup); // the next attempt deletes it
            }
            throw e;
        }
        if (failure != null) {
            client.send("DELETE", "/" + next, null, true);
            throw new SchemaEvolutionException("could not move index '" + s.alias + "' to the new type of "
                    + changed.keySet() + " (" + change.changes() + "): " + failure + "; the index stays as it was."
                    + " Convert those rows in the source, or map the column to a type that accepts the old values"
                    + " with the sink option 'column-types'", change);
        }
        client.send("POST", "/" + next + "/_refresh", null, false);
        switchAlias(s, next);
        s.migratedAt = Math.max(s.migratedAt, changeVersion);
        changed.forEach((k, v) -> s.fields.put(k, EsJson.MAPPER.valueToTree(v)));
    }
}
