package dev.cdc.kafka.sink;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.testkit.sink.LogEntry;
import dev.cdc.testkit.sink.SinkView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink conformance suite, delivery: exactly-once (each batch a transaction, read back read_committed). */
class KafkaExactlyOnceSinkIT extends KafkaSinkContract {

    @Override
    String delivery() {
        return "exactly-once";
    }

    /**
     * Events a source replays after a restart (from a checkpoint that lagged what the sink committed)
     * are written once: each new sink reads back what was committed and writes only what lies beyond.
     * (Within one session the engine never hands an acknowledged event over again; a commit whose
     * outcome is unknown makes the session read back too: {@code TransactionalSessionTest}.)
     */
    @Test
    void eventsReplayedAfterARestartAreWrittenOnce() throws Exception {
        List<ChangeEvent> e = List.of(insert(ORDERS, order(1, "new", "1.00", null)),
                insert(ORDERS, order(2, "new", "2.00", null)), insert(ORDERS, order(3, "new", "3.00", null)),
                insert(ORDERS, order(4, "new", "4.00", null)), insert(ORDERS, order(5, "new", "5.00", null)));
        writeFlushClose(e.subList(0, 3));
        writeFlushClose(e.subList(1, 4)); // 2 and 3 again after a restart
        writeFlushClose(e.subList(3, 5)); // 4 again after another

        List<LogEntry> entries = ((SinkView.Log) view(target())).entries();
        assertThat(entries).extracting(l -> String.valueOf(l.key().get("id"))).containsExactly("1", "2", "3", "4", "5");
    }
}
