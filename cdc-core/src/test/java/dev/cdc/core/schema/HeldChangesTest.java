package dev.cdc.core.schema;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.TableId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeldChangesTest {

    @TempDir
    Path state;

    static final TableId ORDERS = TableId.of("public", "orders");

    static HeldChanges.Held held(TableId table, int version, Instant at) {
        return new HeldChanges.Held("replica", table, version, Position.of(Map.of("lsn", "0/16B3748", "index", "0"),
                "00000000016b3748"), "add column note string (FULL)",
                List.of("ALTER TABLE `orders` ADD COLUMN IF NOT EXISTS `note` text"), at, Optional.empty());
    }

    @Test
    void aHeldChangeIsKeptWithItsFirstTimeAndReadBackWhole() {
        HeldChanges files = HeldChanges.in(state, "replica");
        assertThat(files.held()).isEmpty();
        HeldChanges.Held first = held(ORDERS, 2, Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(files.hold(first)).isEqualTo(first);
        // held again after a restart: the first record stays
        assertThat(files.hold(held(ORDERS, 2, Instant.parse("2026-12-06T11:00:00Z")))).isEqualTo(first);
        files.hold(held(TableId.of("public", "a b/c"), 3, Instant.EPOCH));
        assertThat(files.held()).extracting(h -> h.table() + " v" + h.version())
                .containsExactly("public.a b/c v3", "public.orders v2");
        assertThat(files.held().get(1)).isEqualTo(first);
        assertThat(Files.exists(state.resolve("schema-pending/replica/public.orders-v2.json"))).isTrue();
        assertThat(Files.exists(state.resolve("schema-pending/replica/public.a_b_c-v3.json"))).isTrue();
        assertThat(first.approveCommand()).isEqualTo("cdc schema approve FILE replica 2 --table public.orders");
        assertThat(first.rejectCommand()).isEqualTo("cdc schema reject FILE replica 2 --table public.orders");
    }

    @Test
    void aDecisionIsFinalAnApprovalGoesOnceAppliedAndARejectionStaysForReplays() {
        HeldChanges files = HeldChanges.in(state, "replica");
        files.hold(held(ORDERS, 2, Instant.EPOCH));
        files.hold(held(ORDERS, 3, Instant.EPOCH));
        assertThat(files.verdict(ORDERS, 2)).isEmpty();
        files.decide(ORDERS, 2, HeldChanges.Verdict.APPROVED);
        files.decide(ORDERS, 2, HeldChanges.Verdict.APPROVED); // the same again is fine
        assertThat(files.verdict(ORDERS, 2)).contains(HeldChanges.Verdict.APPROVED);
        assertThatThrownBy(() -> files.decide(ORDERS, 2, HeldChanges.Verdict.REJECTED)).isInstanceOf(CdcException.class)
                .hasMessageContaining("public.orders v2 of sink 'replica' was already approved")
                .hasMessageContaining("public.orders-v2.approved");
        files.decide(ORDERS, 3, HeldChanges.Verdict.REJECTED);

        files.resolved(ORDERS, 2, HeldChanges.Verdict.APPROVED);
        files.resolved(ORDERS, 3, HeldChanges.Verdict.REJECTED);
        assertThat(files.held()).isEmpty();
        assertThat(files.verdict(ORDERS, 2)).isEmpty();
        assertThat(files.verdict(ORDERS, 3)).contains(HeldChanges.Verdict.REJECTED);
    }

    @Test
    void aBrokenRecordIsAClearError() throws Exception {
        HeldChanges files = HeldChanges.in(state, "replica");
        Files.createDirectories(files.directory());
        Files.writeString(files.directory().resolve("public.orders-v2.json"), "{\"table\": ");
        assertThatThrownBy(files::held).isInstanceOf(CdcException.class)
                .hasMessageContaining("cannot read the held schema change")
                .hasMessageContaining("public.orders-v2.json")
                .hasMessageContaining("remove the file");
    }
}
