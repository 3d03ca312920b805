package dev.cdc.testkit.source;

/** The reference source passes the whole contract. */
class MemorySourceTest extends MemorySourceContract {
    MemorySourceTest() {
        super(MemorySourceFactory.Defect.NONE);
    }
}
