package dev.cdc.sink.elasticsearch;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.cdc.sink.elasticsearch.ElasticsearchOptions.*;

/** Registered in META-INF/services/dev.cdc.api.spi.SinkFactory as {@code elasticsearch}. */
public final class ElasticsearchSinkFactory implements SinkFactory {

    @Override
    public String type() {
        return "elasticsearch";
    }

    @Override
    public String description() {
        return "Keeps one Elasticsearch index per table equal to the source table (bulk writes, external"
                + " versions from the source position, mappings from the table schema).";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return ElasticsearchOptions.ALL;
    }

    @Override
    public List<ConfigProblem> validate(Configuration o) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (o.getOptional(PASSWORD).isPresent() && o.getOptional(USERNAME).isEmpty()) {
            problems.add(ConfigProblem.of(PASSWORD.key(), "is set but 'username' is not; set both for basic"
                    + " authentication"));
        }
        if (o.getOptional(API_KEY).isPresent() && o.getOptional(USERNAME).isPresent()) {
            problems.add(ConfigProblem.of(API_KEY.key(), "is set together with 'username'; use either an API key"
                    + " or username/password"));
        }
        o.getOptional(CA_CERTIFICATE).ifPresent(ca -> {
            if (!Files.isReadable(Path.of(ca))) {
                problems.add(ConfigProblem.of(CA_CERTIFICATE.key(), "was '" + ca + "' but that file is not readable;"
                        + " give the path of the cluster's CA certificate in PEM form"));
            }
        });
        try {
            new IndexNames(o.get(INDEX));
        } catch (ConfigurationException e) {
            problems.addAll(e.problems());
        }
        return problems;
    }

    @Override
    public Sink create(PluginContext context) {
        Configuration o = context.options();
        requireValid(o);
        IndexNames names = new IndexNames(o.get(INDEX));
        return new ElasticsearchSink(settings(o), names, new FieldMappings(o.get(DECIMAL_MAPPING), o.get(COLUMN_TYPES)),
                new ExternalVersions(o.get(VERSION_LOW_BITS)), o.get(KEYLESS_TABLES), o.get(INDEX_SETTINGS),
                o.get(MAX_ACTIONS), o.get(MAX_BYTES), o.get(MAX_IN_FLIGHT), o.get(FLUSH_INTERVAL),
                context.instanceName());
    }

    /** How the sink (and its read-back) reach the cluster. */
    static EsClient.Settings settings(Configuration o) {
        return new EsClient.Settings(o.get(HOSTS), o.getOptional(USERNAME), o.getOptional(PASSWORD),
                o.getOptional(API_KEY), o.getOptional(CA_CERTIFICATE), o.get(INSECURE_TRUST), o.get(REQUEST_TIMEOUT));
    }
}
