package dev.cdc.testkit.sink;

import dev.cdc.api.config.ConfigOption;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Sink;
import dev.cdc.api.spi.SinkFactory;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The factory of {@link MemorySink}, the reference sink that proves {@link SinkContract} can pass and fail. */
public final class MemorySinkFactory implements SinkFactory {

    /** A defect a broken variant of the sink has, so the kit can be shown to catch it. */
    public enum Defect {
        NONE, IGNORES_DELETES, ACKS_BEFORE_DURABLE, WRITES_UNCHANGED_TEXT, NO_ORDER_GUARD, DROPS_COMPOSITE_KEYS,
        CLOSE_TWICE_FAILS
    }

    /** The STATE or LOG shape of the target. */
    public enum Mode {
        STATE, LOG
    }

    public static final ConfigOption<String> TARGET = ConfigOption.key("target").stringType().required()
            .description("The in-memory target to write to.");
    public static final ConfigOption<Mode> MODE = ConfigOption.key("mode").enumType(Mode.class).defaultValue(Mode.STATE)
            .description("state: keep the latest row per key; log: keep every event.");
    public static final ConfigOption<List<String>> FEATURES = ConfigOption.key("features").listType().defaultValue(List.of())
            .description("Optional capabilities, as SinkCapability names in lower case with '-'.");
    public static final ConfigOption<Defect> DEFECT = ConfigOption.key("defect").enumType(Defect.class)
            .defaultValue(Defect.NONE).description("A deliberate bug, for the kit's own tests.");

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public String description() {
        return "Keeps events in memory (testkit reference sink).";
    }

    @Override
    public List<ConfigOption<?>> options() {
        return List.of(TARGET, MODE, FEATURES, DEFECT);
    }

    @Override
    public Sink create(PluginContext context) {
        Configuration c = context.options();
        Set<SinkCapability> features = EnumSet.noneOf(SinkCapability.class);
        for (String f : c.get(FEATURES)) {
            features.add(SinkCapability.valueOf(f.toUpperCase(Locale.ROOT).replace('-', '_')));
        }
        return new MemorySink(MemoryTarget.named(c.get(TARGET)), c.get(MODE), features, c.get(DEFECT));
    }
}
