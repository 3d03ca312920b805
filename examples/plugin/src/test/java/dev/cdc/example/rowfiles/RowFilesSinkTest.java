package dev.cdc.example.rowfiles;

import dev.cdc.api.event.Row;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.SinkCapability;
import dev.cdc.testkit.sink.SinkContract;
import dev.cdc.testkit.sink.SinkView;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import static dev.cdc.testkit.sink.SinkCapability.*;

/** The whole sink conformance suite, run against the example sink. */
class RowFilesSinkTest extends SinkContract {

    @Override
    protected SinkFactory factory() {
        return new RowFilesSinkFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return Map.of("directory", target.directory().toString(), "fsync", false);
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        return EnumSet.of(STATE, DELETES, UNCHANGED_COLUMNS, ORDER_GUARD, TRUNCATE, COMPOSITE_KEYS);
    }

    @Override
    protected SinkView view(TestTarget target) {
        return (SinkView.State) table -> {
            Path dir = target.directory().resolve(table.toString());
            List<Row> rows = new ArrayList<>();
            if (!Files.isDirectory(dir)) {
                return rows;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".properties")).toList()) {
                    Properties p = RowFilesSink.read(f);
                    if (p.getProperty(RowFilesSink.DELETED) == null) {
                        Row.Builder row = Row.builder();
                        p.stringPropertyNames().stream().filter(k -> !k.startsWith("_")).sorted()
                                .forEach(k -> row.put(k, p.getProperty(k)));
                        rows.add(row.build());
                    }
                }
            }
            return rows;
        };
    }
}
