package dev.cdc.sink.elasticsearch;

import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.SinkCapability;
import dev.cdc.testkit.sink.SinkContract;
import dev.cdc.testkit.sink.SinkView;
import org.junit.jupiter.api.BeforeAll;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.cdc.testkit.sink.SinkCapability.*;

/** The testkit's sink conformance suite against the real Elasticsearch; view = refresh + search. */
class ElasticsearchSinkContractIT extends SinkContract {

    @BeforeAll
    static void elasticsearchIsUp() {
        Services.requireReachable(Service.ELASTICSEARCH);
    }

    @Override
    protected SinkFactory factory() {
        return new ElasticsearchSinkFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return Map.of("hosts", Services.elasticsearchUrl(), "index", target.name() + "_${namespace}_${name}",
                "index-settings", Map.of("number_of_replicas", "0"));
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        return EnumSet.of(STATE, DELETES, UNCHANGED_COLUMNS, ORDER_GUARD, TRUNCATE, COMPOSITE_KEYS, SCHEMA_CHANGES);
    }

    @Override
    protected SinkView view(TestTarget target) {
        return (SinkView.State) table -> EsTestIndexes.rows(target.name() + "_" + table.namespace() + "_" + table.name());
    }

    @Override
    protected void cleanUp(TestTarget target) throws Exception {
        EsTestIndexes.deleteAll(target.name());
    }
}
