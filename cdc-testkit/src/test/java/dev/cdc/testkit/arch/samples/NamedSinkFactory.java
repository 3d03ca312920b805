package dev.cdc.testkit.arch.samples;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.util.List;

/** Sample factories with a given type, for the service-file checks' own tests. */
public abstract class NamedSinkFactory implements SinkFactory {

    private final String type;

    protected NamedSinkFactory(String type) {
        this.type = type;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of();
    }

    @Override
    public Sink create(PluginContext context) {
        throw new UnsupportedOperationException();
    }

    /** Claims the type of the testkit's reference sink. */
    public static final class ClaimsMemory extends NamedSinkFactory {
        public ClaimsMemory() {
            super("memory");
        }
    }

    /** Has a type that is not lower case. */
    public static final class UpperCase extends NamedSinkFactory {
        public UpperCase() {
            super("Memory_Sink");
        }
    }
}
