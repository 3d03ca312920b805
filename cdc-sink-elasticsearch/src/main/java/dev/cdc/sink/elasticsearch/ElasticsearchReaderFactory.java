package dev.cdc.sink.elasticsearch;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.api.verify.SinkReaderFactory;

import static dev.cdc.sink.elasticsearch.ElasticsearchOptions.COLUMN_TYPES;
import static dev.cdc.sink.elasticsearch.ElasticsearchOptions.DECIMAL_MAPPING;
import static dev.cdc.sink.elasticsearch.ElasticsearchOptions.INDEX;

/** Registered in META-INF/services/dev.cdc.api.verify.SinkReaderFactory: reads an {@code elasticsearch} sink back. */
public final class ElasticsearchReaderFactory implements SinkReaderFactory {

    @Override
    public String type() {
        return "elasticsearch";
    }

    @Override
    public SinkReader create(PluginContext context) {
        Configuration o = context.options();
        return new EsReadBack(ElasticsearchSinkFactory.settings(o), new IndexNames(o.get(INDEX)),
                new FieldMappings(o.get(DECIMAL_MAPPING), o.get(COLUMN_TYPES)), context.instanceName());
    }
}
