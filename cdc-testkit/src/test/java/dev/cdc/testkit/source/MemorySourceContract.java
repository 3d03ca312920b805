package dev.cdc.testkit.source;

import dev.cdc.api.spi.SourceFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.source.MemorySourceFactory.Defect;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** {@link SourceContract} for one variant of the {@link MemorySource}. */
abstract class MemorySourceContract extends SourceContract {

    private final Defect defect;

    MemorySourceContract(Defect defect) {
        this.defect = defect;
    }

    @Override
    protected SourceFactory factory() {
        return new MemorySourceFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return Map.of("database", target.name(), "defect", defect.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    @Override
    protected SourceDriver driver() {
        return new MemoryDriver(MemoryDatabase.named(target().name()));
    }

    @Override
    protected void cleanUp(TestTarget target) {
        MemoryDatabase.remove(target.name());
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(100);
    }

    @Override
    protected Duration stopTimeout() {
        return Duration.ofMillis(500);
    }

    @Override
    protected Duration eventTimeout() {
        return Duration.ofSeconds(5);
    }
}
