package dev.cdc.testkit.sink;

import dev.cdc.testkit.sink.MemorySinkFactory.Defect;
import dev.cdc.testkit.sink.MemorySinkFactory.Mode;

import java.util.EnumSet;

/** A LOG sink (append-only, like a file) with deletes, unchanged columns, truncate and composite keys. */
class LogMemorySinkTest extends MemorySinkContract {
    LogMemorySinkTest() {
        super(Mode.LOG, EnumSet.of(SinkCapability.DELETES, SinkCapability.UNCHANGED_COLUMNS, SinkCapability.TRUNCATE,
                SinkCapability.COMPOSITE_KEYS), Defect.NONE);
    }
}
