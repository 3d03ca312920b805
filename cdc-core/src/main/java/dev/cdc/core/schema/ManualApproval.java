package dev.cdc.core.schema;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.NotSupportedException;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.schema.compatibility.SchemaPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The waiting side of {@code schema-policy: manual} for one sink's lane: records a held change in
 * the sink's {@link HeldChanges}, reports it while the lane waits, polls for the operator's
 * decision, and clears the record once the decision is carried out. The lane thread waits; any
 * thread may read {@link #held()}.
 */
final class ManualApproval {

    private static final Logger LOG = LoggerFactory.getLogger(ManualApproval.class);

    private final String sink;
    private final HeldChanges files;
    private final Clock clock;
    /** The change the lane waits at, for status; empty when it does not wait. */
    private volatile List<HeldChanges.Held> waiting = List.of();

    ManualApproval(String sink, HeldChanges files, Clock clock) {
        this.sink = sink;
        this.files = files;
        this.clock = clock;
    }

    /**
     * The decision on a held change: at once when it was recorded before (a replay after a
     * restart, an approval given while the pipeline was stopped), else after recording the change
     * (with the statements {@code preview} says the sink would run) and polling for it.
     *
     * @param changes what changes, for the operator
     * @param stop    asked at each poll: true when the pipeline stops
     * @throws SchemaGate.HeldAtStop when the pipeline stops first (the change stays held)
     */
    HeldChanges.Verdict await(SchemaGate.Decision.Hold hold, String changes,
                              Function<SchemaChangeEvent, List<String>> preview, BooleanSupplier stop,
                              Duration poll) throws InterruptedException {
        TableId table = hold.event().table();
        Optional<HeldChanges.Verdict> verdict = files.verdict(table, hold.version());
        if (verdict.isEmpty()) {
            HeldChanges.Held held = files.hold(new HeldChanges.Held(sink, table, hold.version(),
                    hold.event().position(), changes, statements(hold.event(), preview), clock.instant(),
                    Optional.empty()));
            waiting = List.of(held);
            LOG.warn("{} (schema-policy manual): its lane waits there, rows of {} before it are written, the "
                    + "checkpoint stays before it (a PostgreSQL slot keeps its WAL from there on); approve with `{}` "
                    + "or reject with `{}`", held.describe(), table, held.approveCommand(), held.rejectCommand());
            try {
                while ((verdict = files.verdict(table, hold.version())).isEmpty()) {
                    if (stop.getAsBoolean()) {
                        throw new SchemaGate.HeldAtStop("sink '" + sink + "': the pipeline stops while " + table + " v"
                                + hold.version() + " is held; it is held again at the next start, and a decision "
                                + "recorded meanwhile (" + held.approveCommand() + ") is applied then");
                    }
                    Thread.sleep(poll.toMillis());
                }
            } finally {
                waiting = List.of();
            }
        }
        LOG.info("sink '{}': {} v{} was {}", sink, table, hold.version(), verdict.get().name().toLowerCase(Locale.ROOT));
        if (verdict.get() == HeldChanges.Verdict.REJECTED) {
            files.resolved(table, hold.version(), HeldChanges.Verdict.REJECTED);
        }
        return verdict.get();
    }

    /** The sink applied an approved change: its record and the approval go. */
    void applied(SchemaGate.Decision.Hold hold) {
        files.resolved(hold.event().table(), hold.version(), HeldChanges.Verdict.APPROVED);
    }

    /** A sink no longer under {@code manual} with changes still recorded as held: says what decides them now. */
    static void warnIfLeftOver(HeldChanges files, SchemaPolicy policy) {
        List<HeldChanges.Held> left = files.held().stream().filter(h -> h.verdict().isEmpty()).toList();
        if (!left.isEmpty()) {
            LOG.warn("sink '{}' has schema-policy '{}' now, which decides the changes it held under 'manual' ({}); "
                    + "remove {} once they are behind the checkpoint", left.get(0).sink(), policy.tag(),
                    String.join(", ", left.stream().map(h -> h.table() + " v" + h.version()).toList()),
                    files.directory());
        }
    }

    List<HeldChanges.Held> held() {
        return waiting;
    }

    private static List<String> statements(SchemaChangeEvent migration,
                                           Function<SchemaChangeEvent, List<String>> preview) {
        try {
            return preview.apply(migration);
        } catch (NotSupportedException e) {
            return List.of("(the sink does not preview its schema changes)");
        } catch (CdcException e) {
            return List.of("(CANNOT BE APPLIED: " + e.getMessage() + ")");
        } catch (RuntimeException e) {
            // a bug of the sink's preview must not fail the lane: the operator still decides
            return List.of("(the sink could not preview it: " + e + ")");
        }
    }
}
