package dev.cdc.launcher.verify;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.verify.RowReader;
import dev.cdc.api.verify.SinkReader;
import dev.cdc.api.verify.SourceRow;
import dev.cdc.api.verify.StoredRow;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The comparison logic with an in-memory source and sink: a difference of one character in the
 * last value of one document, missing and extra rows are found exactly, whichever way the sink is
 * read (one scan that delivers rows before or long after their source chunk, or by id).
 */
class TableVerifierTest {

    private static final TableId TABLE = TableId.of("s", "t");
    private static final int ROWS = 2_000;

    /** The text of row {@code id} as the sink would store it. */
    private static String document(long id) {
        return "{\"id\":" + id + ",\"name\":\"row " + id + "\",\"note\":\"" + "x".repeat((int) (id % 40)) + "\"}";
    }

    @ParameterizedTest
    @ValueSource(strings = {"scan", "slow-reverse-scan", "by-id"})
    void oneCharacterAnywhereMissingAndExtraRowsAreFoundExactly(String mode) throws Exception {
        Map<String, String> stored = new ConcurrentHashMap<>();
        for (long id = 1; id <= ROWS; id++) {
            stored.put(Long.toString(id), document(id));
        }
        // the last character of the last value of one document, the first of another
        stored.put("700", document(700).replace("x\"}", "y\"}"));
        stored.put("1500", document(1500).replace("{\"id\"", "{\"iD\""));
        stored.remove("1");
        stored.remove("999");
        stored.remove("2000");
        stored.put("5000", document(5000));
        Sink sink = new Sink(stored, mode);
        TableVerifier verifier = new TableVerifier(new Source(), sink,
                new TableVerifier.Settings(128, Duration.ZERO, 1, mode.equals("by-id") ? 0 : 1_000_000),
                (table, s, rows, differing) -> { }, d -> { });

        PairResult result = verifier.verify(TABLE, "sink");

        assertThat(result.sourceRows()).isEqualTo(ROWS);
        Map<String, Difference.Kind> found = new TreeMap<>();
        result.differences().forEach(d -> found.put(d.id(), d.kind()));
        assertThat(found).isEqualTo(Map.of("1", Difference.Kind.MISSING, "999", Difference.Kind.MISSING,
                "2000", Difference.Kind.MISSING, "5000", Difference.Kind.EXTRA, "700", Difference.Kind.DIFFERENT,
                "1500", Difference.Kind.DIFFERENT));
        assertThat(result.candidates()).isEqualTo(6);
    }

    /** Rows 1..ROWS of one table, key "id". */
    private static final class Source implements RowReader {
        @Override
        public void open() {
        }

        @Override
        public List<TableId> tables() {
            return List.of(TABLE);
        }

        @Override
        public List<String> keyColumns(TableId table) {
            return List.of("id");
        }

        private static SourceRow row(long id) {
            Row after = Row.of("id", id, "name", "row " + id, "note", "x".repeat((int) (id % 40)));
            return new SourceRow(ChangeEvent.read(TABLE, Row.of("id", id), after, Instant.EPOCH, Position.ofSequence(0)),
                    List.of(Long.toString(id)));
        }

        @Override
        public List<SourceRow> readChunk(TableId table, Optional<List<String>> after, int limit) {
            long from = after.map(k -> Long.parseLong(k.get(0)) + 1).orElse(1L);
            List<SourceRow> rows = new ArrayList<>();
            for (long id = from; id <= ROWS && rows.size() < limit; id++) {
                rows.add(row(id));
            }
            return rows;
        }

        @Override
        public List<SourceRow> readKeys(TableId table, List<List<String>> keys) {
            List<SourceRow> rows = new ArrayList<>();
            for (List<String> k : keys) {
                long id = Long.parseLong(k.get(0));
                if (id >= 1 && id <= ROWS) {
                    rows.add(row(id));
                }
            }
            return rows;
        }

        @Override
        public void close() {
        }
    }

    /** A sink holding {@code stored} (id to text), encoding a row as {@link #document} would. */
    private record Sink(Map<String, String> stored, String mode) implements SinkReader {
        @Override
        public void open() {
        }

        @Override
        public String id(ChangeEvent row) {
            return row.key().get("id").toString();
        }

        @Override
        public String expected(ChangeEvent row) {
            Row r = row.after().orElseThrow();
            return "{\"id\":" + r.get("id") + ",\"name\":\"" + r.get("name") + "\",\"note\":\"" + r.get("note") + "\"}";
        }

        @Override
        public Map<String, StoredRow> stored(TableId table, Collection<String> ids) {
            Map<String, StoredRow> out = new ConcurrentHashMap<>();
            for (String id : ids) {
                if (stored.containsKey(id)) {
                    out.put(id, new StoredRow(id, stored.get(id), Optional.empty()));
                }
            }
            return out;
        }

        @Override
        public OptionalLong count(TableId table) {
            return OptionalLong.of(stored.size());
        }

        @Override
        public boolean canScan() {
            return true;
        }

        @Override
        public void scan(TableId table, Consumer<List<StoredRow>> batch) throws InterruptedException {
            List<String> ids = new ArrayList<>(new TreeMap<>(stored).keySet());
            if (mode.equals("slow-reverse-scan")) {
                // the last keys first, slowly: the early chunks' rows wait for the end of the scan
                java.util.Collections.reverse(ids);
            }
            for (int from = 0; from < ids.size(); from += 300) {
                List<StoredRow> rows = new ArrayList<>();
                for (String id : ids.subList(from, Math.min(ids.size(), from + 300))) {
                    rows.add(new StoredRow(id, stored.get(id), Optional.empty()));
                }
                batch.accept(rows);
                if (mode.equals("slow-reverse-scan")) {
                    Thread.sleep(20);
                }
            }
        }

        @Override
        public void forEachId(TableId table, Consumer<List<String>> batch) {
            batch.accept(new ArrayList<>(stored.keySet()));
        }

        @Override
        public Optional<List<String>> keyOf(TableId table, String id, int keyColumns) {
            return Optional.of(List.of(id));
        }

        @Override
        public void close() {
        }
    }
}
