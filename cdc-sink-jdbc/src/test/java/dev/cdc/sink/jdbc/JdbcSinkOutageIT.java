package dev.cdc.sink.jdbc;

import dev.cdc.api.event.Row;
import dev.cdc.api.spi.Checkpoint;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.core.spec.PipelineListener;
import dev.cdc.core.spec.PipelineState;
import dev.cdc.core.spec.RetrySettings;
import dev.cdc.testkit.assertion.CanonicalRows;
import dev.cdc.testkit.fixture.Service;
import dev.cdc.testkit.fixture.Services;
import dev.cdc.testkit.fixture.TcpProxy;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The target database cut off mid-stream (a TCP proxy closes every connection and refuses new ones
 * for 4 s; the shared server keeps running): a pipeline (generator source, the engine) with two
 * jdbc sinks, one through the proxy and one direct, runs to completion; the proxied sink's lane
 * retries, nothing is lost (its table equals the direct one's), and at every checkpoint its table
 * and tombstones already hold every change up to the checkpoint.
 */
class JdbcSinkOutageIT {

    enum Database { POSTGRES, MARIADB }

    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(Database.class)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theTargetCutOffForSecondsLosesNothingAndTheCheckpointNeverRunsAhead(Database which) throws Exception {
        JdbcTarget db = which == Database.POSTGRES ? JdbcTarget.postgres() : JdbcTarget.mariadb();
        InetSocketAddress address = Services.address(which == Database.POSTGRES ? Service.POSTGRES : Service.MARIADB);
        String prefix = "outage_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        List<String> checked = Collections.synchronizedList(new ArrayList<>());
        try (TcpProxy proxy = TcpProxy.start(address.getHostString(), address.getPort())) {
            Map<String, Object> proxied = new HashMap<>(db.options(prefix + "_b"));
            proxied.put("url", db.url().replace(":" + address.getPort() + "/", ":" + proxy.port() + "/"));
            Pipeline pipeline = Pipeline.builder("jdbc-outage")
                    .source("generator", Map.of("count", 3000, "keys", 200, "rate", 300, "seed", 11))
                    .sink("direct", "jdbc", db.options(prefix + "_a"))
                    .sink("proxied", "jdbc", proxied, s -> s.retry(new RetrySettings(1000, Duration.ofMillis(100), 2.0,
                            Duration.ofSeconds(1), 0.2, List.of("retriable"))))
                    .checkpoint("file", Map.of("path", work.resolve("state").toString()))
                    .build();
            pipeline.addListener(new PipelineListener() {
                @Override
                public void onCheckpoint(Checkpoint checkpoint) {
                    String at = checkpoint.position().sortKey();
                    try {
                        String held = newest(db, prefix + "_b");
                        checked.add(at);
                        if (held.compareTo(at) < 0) {
                            violations.add("checkpoint at " + at + " but the proxied table's newest change is " + held);
                        }
                    } catch (SQLException notYet) {
                        // the table is not there yet: nothing was acknowledged either
                    }
                }
            });
            pipeline.start();
            Thread.sleep(2_000);
            proxy.refuse();
            Thread.sleep(4_000);
            assertThat(pipeline.state()).as("the pipeline waits for the target: %s", pipeline.failure())
                    .isEqualTo(PipelineState.RUNNING);
            proxy.accept();
            assertThat(pipeline.awaitTermination(Duration.ofSeconds(90))).as("completes").isTrue();
            assertThat(pipeline.state()).as("%s", pipeline.failure()).isEqualTo(PipelineState.COMPLETED);
            assertThat(violations).isEmpty();
            assertThat(checked).as("checkpoints checked against the table").isNotEmpty();
            assertThat(canonical(db.rows(prefix + "_b_orders"))).as("the proxied sink's table")
                    .isEqualTo(canonical(db.rows(prefix + "_a_orders"))).isNotEmpty();
        } finally {
            db.dropTables(prefix + "_a_orders", prefix + "_a_tomb", prefix + "_b_orders", prefix + "_b_tomb");
        }
    }

    /** The newest sort key of the table's rows and tombstones, read directly (not through the proxy). */
    private static String newest(JdbcTarget db, String prefix) throws SQLException {
        try (Connection c = db.connect(); Statement st = c.createStatement();
             ResultSet rows = st.executeQuery("SELECT max(" + db.quote("__cdc_sort_key") + ") FROM "
                     + db.quote(prefix + "_orders"))) {
            rows.next();
            String newest = rows.getString(1) == null ? "" : rows.getString(1);
            try (ResultSet tombs = st.executeQuery("SELECT max(" + db.quote("sort_key") + ") FROM "
                    + db.quote(prefix + "_tomb"))) {
                tombs.next();
                String t = tombs.getString(1);
                return t != null && t.compareTo(newest) > 0 ? t : newest;
            }
        }
    }

    private static Map<Object, Map<String, Object>> canonical(List<Row> rows) {
        Map<Object, Map<String, Object>> out = new HashMap<>();
        for (Row r : rows) {
            Map<String, Object> row = new HashMap<>(CanonicalRows.of(r));
            row.remove("__cdc_sort_key");
            out.put(CanonicalRows.canonical(r.get("id")), row);
        }
        return out;
    }
}
