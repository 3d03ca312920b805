package dev.cdc.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatusCommandTest {

    @Test
    void theUrlMayBeTheEndpointOrTheStatusPath() {
        assertThat(StatusCommand.statusUri("http://127.0.0.1:9404")).isEqualTo(URI.create("http://127.0.0.1:9404/status"));
        assertThat(StatusCommand.statusUri("http://127.0.0.1:9404/")).isEqualTo(URI.create("http://127.0.0.1:9404/status"));
        assertThat(StatusCommand.statusUri("http://h:1/status")).isEqualTo(URI.create("http://h:1/status"));
        assertThat(StatusCommand.statusUri("localhost:9404")).isEqualTo(URI.create("http://localhost:9404/status"));
        assertThatThrownBy(() -> StatusCommand.statusUri("ftp://h/x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rendersTheSchemaChangesOfEachSink() throws Exception {
        String json = """
                {"pipeline":"orders","state":"FAILED","failure":"stopped","uptime_seconds":1,"events_captured":2,
                 "checkpoint":null,
                 "sinks":[{"name":"search","type":"elasticsearch","written":2,"retries":0,"failed":0,
                           "dead_lettered":0,"skipped":0,"queue_depth":0,"lag_seconds":0,"lag_alert":false,
                           "acked":null,"schema_changes":{"applied":3,"ignored":0,"stopped":1}},
                          {"name":"old","type":"file","written":2,"retries":0,"failed":0,
                           "dead_lettered":0,"skipped":0,"queue_depth":0,"lag_seconds":0,"lag_alert":false,
                           "acked":null}],
                 "snapshot":[]}
                """;
        String text = StatusCommand.render(new ObjectMapper().readTree(json));
        assertThat(text).contains("skipped 0, schema changes applied 3 / ignored 0 / stopped 1")
                .contains("old (file): written 2, queue 0, lag 0.0s, retries 0, failed 0, dead-lettered 0, skipped 0\n");
    }

    @Test
    void rendersEveryFactOfTheStatusDocument() throws Exception {
        String json = """
                {"pipeline":"orders","state":"RUNNING","failure":null,"uptime_seconds":63.2,"events_captured":2400,
                 "lag_alerts":["search"],
                 "checkpoint":{"position":{"lsn":"16/B374D848","tx":"3"},"sort_key":"x","saved_at":"2025-01-01T00:00:00Z",
                               "age_seconds":0.4},
                 "sinks":[{"name":"search","type":"elasticsearch","written":2300,"retries":2,"failed":0,
                           "dead_lettered":1,"skipped":0,"queue_depth":100,"lag_seconds":75.25,"lag_alert":true,
                           "acked":{"lsn":"16/B374D848"}}],
                 "snapshot":[{"table":"public.orders","rows_read":1200,"rows_estimated":5000,"finished":false},
                             {"table":"public.users","rows_read":7,"rows_estimated":null,"finished":true}]}
                """;
        String text = StatusCommand.render(new ObjectMapper().readTree(json));
        assertThat(text).contains("pipeline orders: RUNNING (up 63.2s)")
                .contains("events captured: 2400")
                .contains("checkpoint: {lsn=16/B374D848, tx=3}, saved 0.4s ago")
                .contains("search (elasticsearch): written 2300, queue 100, lag 75.3s, retries 2, failed 0, "
                        + "dead-lettered 1, skipped 0  LAG ALERT")
                .contains("public.orders: 1200 of ~5000 rows")
                .contains("public.users: 7 rows, done")
                .doesNotContain("failure");
    }

    @Test
    void rendersTheBacklogOutageDetachedSinksAndTheSinkTheSourceWaitsOn() throws Exception {
        String json = """
                {"pipeline":"orders","state":"RUNNING","failure":null,"uptime_seconds":63.2,"events_captured":2400,
                 "lag_alerts":[],"checkpoint":null,"source_waiting_on":"cache",
                 "sinks":[{"name":"search","type":"elasticsearch","written":2300,"retries":9,"failed":0,
                           "dead_lettered":0,"skipped":0,"queue_depth":16384,"lag_seconds":12.0,"lag_alert":false,
                           "state":"catching-up","backlog_events":5000,"backlog_bytes":2048000,
                           "backlog_age_seconds":11.5,"detached":null,
                           "outage":{"since":"2026-12-06T22:00:00Z","seconds":12.0,"last_error":"Connection refused"}},
                          {"name":"cache","type":"redis","written":2300,"retries":0,"failed":0,"dead_lettered":0,
                           "skipped":0,"queue_depth":0,"lag_seconds":0.1,"lag_alert":false,"state":"detached",
                           "backlog_events":0,"backlog_bytes":0,"backlog_age_seconds":0.0,"outage":null,
                           "detached":{"position":{"lsn":"16/B374D848"},"since":"2026-12-06T21:00:00Z",
                                       "reason":"its backlog reached max-bytes"}}],
                 "snapshot":[]}
                """;
        String text = StatusCommand.render(new ObjectMapper().readTree(json));
        assertThat(text).contains("search (elasticsearch): written 2300, queue 16384, lag 12.0s")
                .contains(", catching-up, backlog 5000 events / 2048000 bytes, oldest 11.5s")
                .contains("    target unreachable since 2026-12-06T22:00:00Z: Connection refused")
                .contains("cache (redis)").contains(", detached")
                .contains("    DETACHED since 2026-12-06T21:00:00Z at {lsn=16/B374D848}: its backlog reached max-bytes")
                .contains("source waiting on sink cache");
    }

    @Test
    void rendersTheLatestVerifyResults() throws Exception {
        String json = """
                {"pipeline":"orders","state":"RUNNING","uptime_seconds":1,"events_captured":2,"checkpoint":null,
                 "sinks":[],"snapshot":[],"backfills":[],
                 "verify":[{"table":"public.orders","sink":"search","equal":false,"source_rows":2000,"missing":2,
                            "extra":0,"different":1,"found":{"missing":2,"extra":0,"different":1},
                            "sample":{"missing":[{"id":"1","key":["1"]},{"id":"2","key":["2"]}],"extra":[],
                                      "different":[{"id":"5","key":["5"],"fields":["v"]}]},
                            "finished_at":"2026-12-07T04:00:00Z","duration_seconds":1.5,"age_seconds":60.0,
                            "repair":null,"after_repair":null},
                           {"table":"public.items","sink":"search","skipped":"failed: boom",
                            "finished_at":"2026-12-07T04:00:00Z","duration_seconds":0.0,"age_seconds":60.0,
                            "repair":null,"after_repair":null},
                           {"table":"public.orders","sink":"cache","equal":true,"source_rows":2000,"missing":0,
                            "extra":0,"different":0,"found":{"missing":3,"extra":0,"different":0},
                            "sample":{"missing":[{"id":"o:1","key":["1"]}],"extra":[],"different":[]},
                            "finished_at":"2026-12-07T04:00:00Z","duration_seconds":2.0,"age_seconds":60.0,
                            "repair":"backfill r1 of 3 key(s) sent; backfill r1 done",
                            "after_repair":{"missing":0,"extra":0,"different":0,"equal":true}}]}
                """;
        String text = StatusCommand.render(new ObjectMapper().readTree(json));
        assertThat(text).contains("verify (latest `cdc verify` of each table and sink):\n")
                .contains("  public.orders -> search: DIFFERENT (2000 rows; missing 2, extra 0, different 1), "
                        + "2026-12-07T04:00:00Z (60.0s ago, took 1.5s)\n")
                .contains("    missing e.g. [\"1\"], [\"2\"]\n").contains("    different e.g. [\"5\"]\n")
                .contains("  public.items -> search: not compared: failed: boom, 2026-12-07T04:00:00Z")
                .contains("  public.orders -> cache: equal (2000 rows; missing 0, extra 0, different 0)")
                .contains("    repair: backfill r1 of 3 key(s) sent; backfill r1 done (found missing 3, extra 0, "
                        + "different 0; counts above are after the repair's re-check)\n");
    }
}
