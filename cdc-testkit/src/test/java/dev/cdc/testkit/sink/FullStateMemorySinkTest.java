package dev.cdc.testkit.sink;

import dev.cdc.testkit.sink.MemorySinkFactory.Defect;
import dev.cdc.testkit.sink.MemorySinkFactory.Mode;

/** The reference STATE sink with every capability passes the whole contract. */
class FullStateMemorySinkTest extends MemorySinkContract {
    FullStateMemorySinkTest() {
        super(Mode.STATE, allFeatures(), Defect.NONE);
    }
}
