package dev.cdc.source.jdbc.trigger;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.StreamEvent;
import dev.cdc.api.spi.PluginContext;
import dev.cdc.api.spi.Source;
import dev.cdc.api.spi.SourceContext;
import dev.cdc.api.spi.SourceSetup;
import dev.cdc.source.jdbc.JdbcTriggerSourceFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where jdbc-trigger's catch-up time goes: raw reads, + JSON images, + the whole source, in rounds
 * over the same change-log rows (the first ones warm the JIT). A manual program: [rows] [rounds].
 */
public final class CatchUpProfile {

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://127.0.0.1:5432/test";
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String schema = "profile_" + ProcessHandle.current().pid();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".acc (id bigint PRIMARY KEY, bid int, abalance int, filler char(84))");
            s.execute("INSERT INTO " + schema + ".acc SELECT g, 1, 0, '' FROM generate_series(1, " + rows + ") g");
            JdbcTriggerSourceFactory f = new JdbcTriggerSourceFactory();
            List<Source> sources = new ArrayList<>();
            List<Counting> countings = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                Source source = f.create(PluginContext.of(Configuration.of(f.options(), Map.of("url", url, "user",
                        "postgres", "tables", List.of(schema + "\\.acc"), "change-log", "log", "snapshot-mode", "never")),
                        "p", "source"));
                if (i == 0) {
                    ((SourceSetup) source).setUp();
                }
                Counting counting = new Counting();
                source.open(counting); // every source from the position before the updates
                sources.add(source);
                countings.add(counting);
            }
            for (int base = 0; base < rows; base += 1000) {
                s.execute("UPDATE " + schema + ".acc SET abalance = abalance + 1 WHERE id > " + base + " AND id <= "
                        + (base + 1000));
            }
            for (int round = 0; round < rounds; round++) {
            for (int mode = 0; mode < 2; mode++) {
                long t0 = System.nanoTime();
                long n = 0;
                long last = 0;
                try (PreparedStatement st = c.prepareStatement("SELECT id, txid, tbl, op, ts, before_row, after_row FROM "
                        + schema + ".log WHERE id > ? ORDER BY id LIMIT 2048")) {
                    while (true) {
                        st.setLong(1, last);
                        int page = 0;
                        try (ResultSet rs = st.executeQuery()) {
                            while (rs.next()) {
                                ChangeRow r = ChangeRow.read(rs, false);
                                last = r.id();
                                if (mode == 1) {
                                    Images.parse(r.before());
                                    Images.parse(r.after());
                                }
                                page++;
                            }
                        }
                        n += page;
                        if (page == 0) {
                            break;
                        }
                    }
                }
                System.out.printf("%s: %,.0f rows/s%n", mode == 0 ? "raw reads" : "raw reads + JSON images",
                        n / ((System.nanoTime() - t0) / 1e9));
            }
            Counting counting = countings.get(round);
            counting.target = rows;
            long t0 = System.nanoTime();
            sources.get(round).run(counting);
            System.out.printf("source: %,.0f events/s (round %d)%n", counting.changes / ((System.nanoTime() - t0) / 1e9),
                    round + 1);
            sources.get(round).close();
            }
        } finally {
            try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static final class Counting implements SourceContext {
        long target = Long.MAX_VALUE;
        long changes;

        @Override
        public String pipelineName() {
            return "p";
        }

        @Override
        public Optional<Position> resumePosition() {
            return Optional.empty();
        }

        @Override
        public void emit(List<? extends StreamEvent> events) {
            changes += events.stream().filter(ChangeEvent.class::isInstance).count();
        }

        @Override
        public boolean isStopping() {
            return changes >= target;
        }
    }
}
