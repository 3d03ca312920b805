package dev.cdc.launcher.verify;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.verify.RowReader;
import dev.cdc.api.verify.RowReaderFactory;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.api.verify.SinkReaderFactory;
import dev.cdc.core.spec.PipelineSpec;
import dev.cdc.core.spec.SinkSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * One {@code cdc verify} run: opens the source's {@link RowReader} and a {@link SinkReader} per
 * chosen sink (found by plugin type through {@link ServiceLoader}), and compares every chosen
 * table with every sink. A sink without a reader, or whose configuration cannot be read back, is
 * reported as such and not compared.
 */
public final class Verification implements AutoCloseable {

    private final PipelineSpec spec;
    private final ClassLoader loader;
    private RowReader source;
    private final Map<String, SinkReader> sinks = new LinkedHashMap<>();
    private final Map<String, String> unreadable = new LinkedHashMap<>();

    public Verification(PipelineSpec spec, ClassLoader loader) {
        this.spec = spec;
        this.loader = loader;
    }

    /**
     * Opens the readers.
     *
     * @param sinkNames the sinks to compare; empty for every sink
     * @throws IllegalArgumentException for an unknown sink name
     * @throws NotSupportedException when the source cannot be read back
     */
    public void open(List<String> sinkNames) throws Exception {
        for (String name : sinkNames) {
            if (spec.sinks().stream().noneMatch(s -> s.name().equals(name))) {
                throw new IllegalArgumentException("pipeline '" + spec.name() + "' has no sink '" + name + "'; its sinks: "
                        + spec.sinks().stream().map(SinkSpec::name).collect(Collectors.joining(", ")));
            }
        }
        String type = spec.source().type();
        RowReaderFactory sourceFactory = find(RowReaderFactory.class, type, RowReaderFactory::type)
                .orElseThrow(() -> new NotSupportedException("source", type, "verify: it cannot read its tables back"
                        + " (sources that can: " + types(RowReaderFactory.class, RowReaderFactory::type) + ")"));
        source = sourceFactory.create(PluginContext.of(spec.source().options(), spec.name(), "source"));
        source.open();
        for (SinkSpec s : spec.sinks()) {
            if (!sinkNames.isEmpty() && !sinkNames.contains(s.name())) {
                continue;
            }
            String sinkType = s.sink().type();
            Optional<SinkReaderFactory> f = find(SinkReaderFactory.class, sinkType, SinkReaderFactory::type);
            if (f.isEmpty()) {
                unreadable.put(s.name(), "sink type '" + sinkType + "' cannot be read back (sinks that can: "
                        + types(SinkReaderFactory.class, SinkReaderFactory::type) + ")");
                continue;
            }
            try {
                SinkReader reader = f.get().create(PluginContext.of(s.sink().options(), spec.name(), s.name()));
                sinks.put(s.name(), reader);
                reader.open();
            } catch (NotSupportedException e) {
                unreadable.put(s.name(), e.getMessage());
            }
        }
    }

    /** The tables to compare: the source's captured tables, or those of them named. */
    public List<TableId> tables(List<String> names) throws Exception {
        List<TableId> captured = source.tables();
        if (names.isEmpty()) {
            return captured;
        }
        List<TableId> out = new ArrayList<>();
        for (String n : names) {
            List<TableId> matching = captured.stream().filter(t -> n.contains(".") ? t.equals(TableId.parse(n))
                    : t.name().equals(n)).toList();
            if (matching.size() > 1) {
                throw new IllegalArgumentException("table '" + n + "' is ambiguous: " + matching + "; name its schema");
            }
            if (matching.isEmpty()) {
                throw new IllegalArgumentException("table '" + n + "' is not captured by pipeline '" + spec.name()
                        + "'; captured: " + captured.stream().map(TableId::toString).collect(Collectors.joining(", ")));
            }
            out.add(matching.get(0));
        }
        return out;
    }

    public RowReader source() {
        return source;
    }

    /** The sinks that can be read back, by name. */
    public Map<String, SinkReader> sinks() {
        return sinks;
    }

    /** The chosen sinks that cannot be read back, with why. */
    public Map<String, String> unreadable() {
        return unreadable;
    }

    private <F> Optional<F> find(Class<F> kind, String type, java.util.function.Function<F, String> typeOf) {
        List<F> found = new ArrayList<>();
        ServiceLoader.load(kind, loader).forEach(f -> {
            if (typeOf.apply(f).equals(type)) {
                found.add(f);
            }
        });
        if (found.size() > 1) {
            throw new CdcException("two " + kind.getSimpleName() + "s claim type '" + type + "': "
                    + found.stream().map(f -> f.getClass().getName()).collect(Collectors.joining(", ")));
        }
        return found.stream().findFirst();
    }

    private <F> String types(Class<F> kind, java.util.function.Function<F, String> typeOf) {
        List<String> out = new ArrayList<>();
        ServiceLoader.load(kind, loader).forEach(f -> out.add(typeOf.apply(f)));
        return out.isEmpty() ? "none" : String.join(", ", out.stream().sorted().toList());
    }

    @Override
    public void close() {
        for (SinkReader r : sinks.values()) {
            try {
                r.close();
            } catch (Exception ignored) {
                // closing: nothing left to do with it
            }
        }
        if (source != null) {
            try {
                source.close();
            } catch (Exception ignored) {
                // closing
            }
        }
    }
}
