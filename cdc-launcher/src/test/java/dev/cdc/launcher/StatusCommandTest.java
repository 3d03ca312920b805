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
}
