package dev.cdc.testkit.sink;

import dev.cdc.testkit.sink.MemorySinkFactory.Defect;
import dev.cdc.testkit.sink.MemorySinkFactory.Mode;

import java.util.EnumSet;

/** A STATE sink with no optional capability passes too: what it lacks fails clearly. */
class MinimalStateMemorySinkTest extends MemorySinkContract {
    MinimalStateMemorySinkTest() {
        super(Mode.STATE, EnumSet.noneOf(SinkCapability.class), Defect.NONE);
    }
}
