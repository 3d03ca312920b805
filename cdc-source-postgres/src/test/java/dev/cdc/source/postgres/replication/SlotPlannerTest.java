package dev.cdc.source.postgres.replication;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replication commands that create the slot (the classic form, and with failover, PostgreSQL
 * 17+) or turn failover on; the messages of a slot lost or not usable across a failover.
 */
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

    @Test
    void failoverSlotOnAnExistingSlotAltersIt() {
        assertThat(SlotPlanner.alterFailoverCommand("s")).isEqualTo("ALTER_REPLICATION_SLOT s (FAILOVER true)");
    }

    @Test
    void aMissingSlotNamesTheFailoverSettings() {
        assertThat(SetupCheck.slotMissing("s", "0/10", true)).get().asString()
                .contains("failover-slot is on").contains("sync_replication_slots = on")
                .contains("synchronized_standby_slots").contains("not temporary").contains("on-position-lost: heal");
        assertThat(SetupCheck.slotMissing("s", "0/10", false)).get().asString()
                .contains("set failover-slot: true").contains("on-position-lost: heal");
        assertThat(SetupCheck.slotSyncedOnStandby("s")).get().asString()
                .contains("synchronized from the primary").contains("promote");
    }
}
