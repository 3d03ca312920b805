package dev.cdc.source.postgres.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The replication commands that create the slot: the classic form, and with failover (PostgreSQL 17+). */
class SlotPlannerTest {

    @Test
    void aFailoverSlotUsesTheOptionsFormAndATemporarySlotNeverFailsOver() {
        assertThat(SlotPlanner.createSlotCommand("s", true, false, false))
                .isEqualTo("CREATE_REPLICATION_SLOT s LOGICAL pgoutput EXPORT_SNAPSHOT");
        assertThat(SlotPlanner.createSlotCommand("s", false, false, false))
                .isEqualTo("CREATE_REPLICATION_SLOT s LOGICAL pgoutput NOEXPORT_SNAPSHOT");
        assertThat(SlotPlanner.createSlotCommand("s", true, false, true))
                .isEqualTo("CREATE_REPLICATION_SLOT s LOGICAL pgoutput (SNAPSHOT 'export', FAILOVER true)");
        assertThat(SlotPlanner.createSlotCommand("s", false, false, true))
                .isEqualTo("CREATE_REPLICATION_SLOT s LOGICAL pgoutput (SNAPSHOT 'nothing', FAILOVER true)");
        assertThat(SlotPlanner.createSlotCommand("s_initial", true, true, true))
                .isEqualTo("CREATE_REPLICATION_SLOT s_initial TEMPORARY LOGICAL pgoutput EXPORT_SNAPSHOT");
    }
}
