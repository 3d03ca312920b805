package dev.cdc.testkit.sink;

import dev.cdc.testkit.fixture.ContractRun;
import dev.cdc.testkit.sink.MemorySinkFactory.Defect;
import dev.cdc.testkit.sink.MemorySinkFactory.Mode;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit catches real bugs: each deliberately broken variant of the reference sink fails
 * exactly the contract tests meant to catch its defect, and passes the rest. The broken
 * contracts are static nested classes, which Surefire does not run on its own.
 */
class BrokenSinksFailTheContractTest {

    static class IgnoresDeletes extends MemorySinkContract {
        IgnoresDeletes() {
            super(Mode.STATE, allFeatures(), Defect.IGNORES_DELETES);
        }
    }

    static class AcksBeforeDurable extends MemorySinkContract {
        AcksBeforeDurable() {
            super(Mode.STATE, allFeatures(), Defect.ACKS_BEFORE_DURABLE);
        }
    }

    static class LogAcksBeforeDurable extends MemorySinkContract {
        LogAcksBeforeDurable() {
            super(Mode.LOG, EnumSet.of(SinkCapability.DELETES), Defect.ACKS_BEFORE_DURABLE);
        }
    }

    static class WritesUnchangedText extends MemorySinkContract {
        WritesUnchangedText() {
            super(Mode.STATE, EnumSet.of(SinkCapability.DELETES), Defect.WRITES_UNCHANGED_TEXT);
        }
    }

    static class ClaimsOrderGuardWithoutOne extends MemorySinkContract {
        ClaimsOrderGuardWithoutOne() {
            super(Mode.STATE, allFeatures(), Defect.NO_ORDER_GUARD);
        }
    }

    static class SilentlyDropsCompositeKeys extends MemorySinkContract {
        SilentlyDropsCompositeKeys() {
            super(Mode.STATE, EnumSet.of(SinkCapability.DELETES), Defect.DROPS_COMPOSITE_KEYS);
        }
    }

    static class CloseTwiceFails extends MemorySinkContract {
        CloseTwiceFails() {
            super(Mode.STATE, allFeatures(), Defect.CLOSE_TWICE_FAILS);
        }
    }

    @Test
    void ignoringDeletesIsCaught() {
        assertFailsExactly(IgnoresDeletes.class, "Deletes.deleteRemovesTheRow",
                "OutOfOrder.oldInsertAfterDeleteIsIgnored", "Replays.sameBatchTwiceLeavesTheSameState",
                "Replays.replayInOneBatchLeavesTheSameState");
    }

    @Test
    void ackingBeforeDurableIsCaught() {
        assertFailsExactly(AcksBeforeDurable.class, "Durability.flushedEventsAreVisibleBeforeTheSinkCloses");
        assertFailsExactly(LogAcksBeforeDurable.class, "Durability.flushedEventsAreVisibleBeforeTheSinkCloses");
    }

    @Test
    void writingUnchangedAsTextIsCaught() {
        assertFailsExactly(WritesUnchangedText.class, "Updates.unchangedColumnsKeepTheirValue");
    }

    @Test
    void aMissingOrderGuardIsCaught() {
        assertFailsExactly(ClaimsOrderGuardWithoutOne.class, "OutOfOrder.olderUpdateAfterNewerIsIgnored",
                "OutOfOrder.oldInsertAfterDeleteIsIgnored", "OutOfOrder.olderBatchReplayedAfterNewerDoesNotRegress");
    }

    @Test
    void silentlyDroppingWhatIsNotSupportedIsCaught() {
        assertFailsExactly(SilentlyDropsCompositeKeys.class, "Writes.compositeKeysKeepRowsApart");
    }

    @Test
    void closeThatIsNotIdempotentIsCaught() {
        ContractRun run = ContractRun.of(CloseTwiceFails.class);
        assertThat(run.failed()).containsKeys("Lifecycle.closeIsIdempotent", "Lifecycle.closeWithoutOpenIsFine");
    }

    private static void assertFailsExactly(Class<?> contract, String... tests) {
        ContractRun run = ContractRun.of(contract);
        assertThat(run.total()).as("tests run").isGreaterThan(20);
        assertThat(run.failed().keySet()).as("failed tests of %s", contract.getSimpleName())
                .containsExactlyInAnyOrder(tests);
    }
}
