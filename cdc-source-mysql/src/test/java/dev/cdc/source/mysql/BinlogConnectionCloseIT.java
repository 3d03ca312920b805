package dev.cdc.source.mysql;

import dev.cdc.api.event.TableId;
import dev.cdc.jdbc.snapshot.SnapshotMode;
import dev.cdc.source.mysql.binlog.BinlogConnection;
import dev.cdc.source.mysql.binlog.BinlogPosition;
import dev.cdc.source.mysql.setup.ServerSetup;
import dev.cdc.jdbc.snapshot.backfill.OnPositionLost;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Closing a binlog connection whose reading thread waits on a full hand-off queue (a pipeline stopping mid catch-up). */
class BinlogConnectionCloseIT extends MariaDbFixture {

    @Test
    void closeReturnsWhileTheReadingThreadWaitsOnAFullQueue() throws Exception {
        TableId t = table("full", "id INT PRIMARY KEY, v VARCHAR(20)");
        BinlogPosition start;
        try (var c = MariaDbDriver.open()) {
            start = ServerSetup.masterStatus(c);
        }
        // one transaction of 3,000 statements (a table map and a rows event each), written before reading
        // starts, so the server sends them in a burst: far more than the hand-off queue holds
        try (var c = MariaDbDriver.open(); var s = c.createStatement()) {
            c.setAutoCommit(false);
            for (int i = 1; i <= 3000; i++) {
                s.addBatch("INSERT INTO " + MariaDbDriver.q(t) + " VALUES (" + i + ", 'v" + i + "')");
            }
            s.executeBatch();
            c.commit();
        }
        Map<String, Object> o = options();
        MySqlSourceConfig config = new MySqlSourceConfig("127.0.0.1", 3306, (String) o.get("user"),
                (String) o.get("password"), "test", Pattern.compile(t.name()), (Long) o.get("server-id"),
                SnapshotMode.NEVER, 1000, 1, true, true, 1000, Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1),
                Optional.empty(), 4096, OnPositionLost.FAIL, TableId.of("test", "cdc_watermark"), WatermarkSetup.MANUAL);
        // the hang was a race (the reading thread refilling the queue between close's clear and the library's
        // disconnect); a few rounds make it likely to show when the fix is gone
        for (int round = 0; round < 5; round++) {
            BinlogConnection connection = BinlogConnection.open(config, start);
            try {
                assertThat(connection.poll(5_000)).as("the first event").isNotNull();
                Thread.sleep(300); // nobody takes from the queue: the reading thread fills it and waits
            } finally {
                CompletableFuture<Void> closed = CompletableFuture.runAsync(connection::close);
                closed.get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
                assertThat(closed).as("close returned in round %d", round).isDone();
            }
        }
    }
}
