package dev.cdc.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdc.core.pipeline.Pipeline;
import dev.cdc.testkit.fixture.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code cdc verify} of a MariaDB source (the mysql source's read-back: the snapshot's keyset
 * reading, in UTC) against a Redis hash sink, with a two-column key and MariaDB's edge values
 * (a zero date, decimals, a bit): equal when untouched; keys deleted, changed and added behind the
 * pipeline's back are found with exact counts.
 */
class MariaDbVerifyIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void aMariaDbTableAgainstRedisIsEqualThenItsTamperedKeysAreCountedExactly() throws Exception {
        String name = "mvfy_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 24);
        MariaDbPipelineIT.exec("CREATE TABLE " + name + " (a int NOT NULL, b varchar(20) NOT NULL, price decimal(12,3),"
                + " d date, flag bit(1), note text, PRIMARY KEY (a, b))");
        StringBuilder insert = new StringBuilder("INSERT INTO " + name + " VALUES ");
        for (int i = 1; i <= 500; i++) {
            insert.append(i == 1 ? "" : ", ").append("(").append(i % 50).append(", 'k:").append(i).append("', ")
                    .append(i).append(".500, ").append(i % 10 == 0 ? "'2024-02-00'" : "'2024-01-15'").append(", ")
                    .append(i % 2).append(", ").append(i % 7 == 0 ? "NULL" : "'n" + i + "'").append(")");
        }
        MariaDbPipelineIT.exec(insert.toString());
        Path yaml = Files.writeString(work.resolve("m.yaml"), """
                pipeline: %1$s
                source: {type: mysql, host: 127.0.0.1, port: 3306, user: cdc, password: cdc, database: test, tables: "%1$s", server-id: %2$d}
                sinks:
                  - {name: cache, type: redis, uri: "%3$s", mode: hash, key-template: "%1$s:${key}"}
                checkpoint: {type: file, path: "%4$s"}
                engine: {checkpoint-interval: 50ms, flush-interval: 20ms}
                """.formatted(name, 5000 + ThreadLocalRandom.current().nextInt(50000), Services.redisUri(),
                work.resolve("state")));
        Pipeline pipeline = Pipeline.create(PipelineFiles.load(yaml));
        pipeline.start();
        try (Jedis r = new Jedis(URI.create(Services.redisUri()))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (r.keys(name + ":*").size() < 500) {
                if (System.nanoTime() > deadline) {
                    fail("the sink did not get 500 rows: " + pipeline.status());
                }
                Thread.sleep(100);
            }
            Cli equal = Cli.run("verify", yaml.toString(), "--settle", "200ms");
            assertThat(equal.exitCode()).as(equal.all()).isEqualTo(ExitCodes.OK);
            assertThat(equal.out()).contains("test." + name + " -> cache: equal (500 source rows");

            r.del(name + ":1:k\\:1", name + ":2:k\\:2");
            r.hset(name + ":3:k\\:3", "price", "3.5");
            r.hset(name + ":9:k\\:99", "a", "9");
            Cli found = Cli.run("verify", yaml.toString(), "--json", "--settle", "200ms");
            assertThat(found.exitCode()).as(found.all()).isEqualTo(ExitCodes.DIFFERENT);
            JsonNode pair = JSON.readTree(found.out()).path("results").get(0);
            assertThat(List.of(pair.path("missing").asInt(), pair.path("extra").asInt(), pair.path("different").asInt()))
                    .as(pair.toString()).containsExactly(2, 1, 1);
            assertThat(pair.path("sample").path("different").get(0).path("key").toString())
                    .isEqualTo("[\"3\",\"k:3\"]");
            assertThat(pair.path("sample").path("extra").get(0).path("key").toString()).isEqualTo("[\"9\",\"k:99\"]");
        } finally {
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofSeconds(30));
            pipeline.close();
            MariaDbPipelineIT.exec("DROP TABLE IF EXISTS " + name);
            try (Jedis r = new Jedis(URI.create(Services.redisUri()))) {
                r.keys(name + ":*").forEach(r::del);
            }
        }
    }
}
