package dev.cdc.testkit.source;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceFactory;

import java.util.List;

/** The factory of {@link MemorySource}, the reference source that proves {@link SourceContract} can pass and fail. */
public final class MemorySourceFactory implements SourceFactory {

    /** A deliberate bug of a broken variant. */
    public enum Defect {
        NONE, RESUMES_AT_CHECKPOINT, IGNORES_STOP, INTEGER_KEYS
    }

    public static final ConfigOption<String> DATABASE = ConfigOption.key("database").stringType().required()
            .description("The in-memory database to read.");
    public static final ConfigOption<Defect> DEFECT = ConfigOption.key("defect").enumType(Defect.class)
            .defaultValue(Defect.NONE).description("A deliberate bug, for the kit's own tests.");

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(DATABASE, DEFECT);
    }

    @Override
    public Source create(PluginContext context) {
        return new MemorySource(MemoryDatabase.named(context.options().get(DATABASE)), context.options().get(DEFECT));
    }
}
