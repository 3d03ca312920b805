package dev.cdc.testkit.source;

import dev.cdc.testkit.fixture.ContractRun;
import dev.cdc.testkit.source.MemorySourceFactory.Defect;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each deliberately broken variant of the reference source fails exactly the tests meant to catch it. */
class BrokenSourcesFailTheContractTest {

    static class ResumesAtTheCheckpoint extends MemorySourceContract {
        ResumesAtTheCheckpoint() {
            super(Defect.RESUMES_AT_CHECKPOINT);
        }
    }

    static class IgnoresStop extends MemorySourceContract {
        IgnoresStop() {
            super(Defect.IGNORES_STOP);
        }
    }

    static class IntegerKeys extends MemorySourceContract {
        IntegerKeys() {
            super(Defect.INTEGER_KEYS);
        }
    }

    @Test
    void aDuplicateAfterRestartIsCaught() {
        ContractRun run = ContractRun.of(ResumesAtTheCheckpoint.class);
        assertThat(run.failed().keySet()).containsExactly("Resume.restartAfterAnEventDeliversExactlyTheEventsAfterIt");
        assertThat(run.failed().values().iterator().next()).hasMessageContaining("no duplicate or extra");
    }

    @Test
    void ignoringTheStopFlagIsCaught() {
        ContractRun run = ContractRun.of(IgnoresStop.class);
        assertThat(run.failed().keySet()).containsExactlyInAnyOrder("Lifecycle.stoppingIsPrompt",
                "Lifecycle.closeIsIdempotent");
    }

    @Test
    void aKeyOfTheWrongLogicalTypeIsCaught() {
        ContractRun run = ContractRun.of(IntegerKeys.class);
        assertThat(run.failed().keySet()).containsExactly("Capture.changesArriveInCommitOrderWithIncreasingPositions");
        assertThat(run.succeeded()).contains("Resume.restartAfterAnEventDeliversExactlyTheEventsAfterIt");
    }
}
