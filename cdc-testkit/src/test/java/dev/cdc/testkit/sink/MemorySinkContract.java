package dev.cdc.testkit.sink;

import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.MemorySinkFactory.Defect;
import dev.cdc.testkit.sink.MemorySinkFactory.Mode;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@link SinkContract} for one configuration of the {@link MemorySink}. */
abstract class MemorySinkContract extends SinkContract {

    private final Mode mode;
    private final Set<SinkCapability> features;
    private final Defect defect;

    MemorySinkContract(Mode mode, Set<SinkCapability> features, Defect defect) {
        this.mode = mode;
        this.features = features;
        this.defect = defect;
    }

    /** Every optional capability. */
    static Set<SinkCapability> allFeatures() {
        Set<SinkCapability> all = EnumSet.allOf(SinkCapability.class);
        all.removeAll(EnumSet.of(SinkCapability.STATE, SinkCapability.LOG));
        return all;
    }

    @Override
    protected SinkFactory factory() {
        return new MemorySinkFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        List<String> names = features.stream().map(f -> f.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList();
        return Map.of("target", target.name(), "mode", mode.name().toLowerCase(Locale.ROOT), "features", names,
                "defect", defect.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        Set<SinkCapability> all = EnumSet.copyOf(features);
        all.add(mode == Mode.STATE ? SinkCapability.STATE : SinkCapability.LOG);
        return all;
    }

    @Override
    protected SinkView view(TestTarget target) {
        return MemoryTarget.view(target.name(), mode);
    }

    @Override
    protected void cleanUp(TestTarget target) {
        MemoryTarget.remove(target.name());
    }
}
