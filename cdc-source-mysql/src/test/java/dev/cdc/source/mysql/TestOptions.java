package dev.cdc.source.mysql;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Options pointing a source at the test MariaDB, each with its own server-id. */
final class TestOptions {

    private static final AtomicLong SERVER_IDS = new AtomicLong(6000 + (ProcessHandle.current().pid() % 1000) * 50);

    private TestOptions() {
    }

    static Map<String, Object> of(String tables) {
        Map<String, Object> m = new HashMap<>();
        m.put("host", "127.0.0.1");
        m.put("port", 3306);
        m.put("user", "cdc");
        m.put("password", "cdc");
        m.put("database", "test");
        m.put("tables", tables);
        m.put("server-id", SERVER_IDS.incrementAndGet());
        m.put("reconnect-timeout", "60s");
        return m;
    }
}
