package dev.cdc.sink.redis;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Position;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * TLS and ACL against a real, private redis-server started with {@code --tls-port} (certificates
 * made by openssl at test time under target/): the trust store option, a CA that does not match,
 * client certificates, an ACL user created by the test, and secrets kept out of every message and
 * of what the test process and the server print.
 */
class RedisTlsIT {

    private static final TableId ORDERS = TableId.of("shop", "orders");
    private static final Instant T = Instant.parse("2024-05-01T10:15:30Z");

    private static RedisTlsServer server;

    private TestTarget target;
    private long sequence = 1;

    @BeforeAll
    static void startServer() throws Exception {
        server = RedisTlsServer.start(Path.of("target", "redis-tls-" + UUID.randomUUID()));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void setUp() {
        target = TestTarget.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        try (Jedis j = server.admin()) {
            j.configSet("tls-auth-clients", "optional");
            j.flushAll();
        } finally {
            target.deleteDirectory();
        }
    }

    private Map<String, Object> options(String host) {
        Map<String, Object> options = new HashMap<>(RedisFixture.options(target.name(), "hash"));
        options.put("uri", server.uri(host));
        return options;
    }

    private Sink sink(Map<String, Object> options) {
        RedisSinkFactory factory = new RedisSinkFactory();
        return factory.create(TestPluginContext.bind(factory, options, target, "redis"));
    }

    private ChangeEvent upsert(long id, String status) {
        return ChangeEvent.update(ORDERS, Row.of("id", id), null, Row.of("id", id, "status", status), T,
                Position.ofSequence(sequence++));
    }

    private String key(long id) {
        return target.name() + ":" + ORDERS + ":" + id;
    }

    private void writeThrough(Map<String, Object> options) throws Exception {
        try (Sink sink = sink(options)) {
            sink.open();
            sink.write(List.of(upsert(1, "new"), upsert(2, "new"), upsert(1, "paid")));
            sink.flush();
            sink.write(List.of(ChangeEvent.delete(ORDERS, Row.of("id", 2L), null, T, Position.ofSequence(sequence++))));
            sink.flush();
        }
    }

    @Test
    void writesOverTlsWhenTheTrustStoreHoldsTheServersCa() throws Exception {
        for (String host : List.of("127.0.0.1", "localhost")) { // the certificate names both: host names are verified
            Map<String, Object> options = options(host);
            options.put("tls-truststore-path", server.trustStore.toString());
            options.put("tls-truststore-password", server.storePassword);
            writeThrough(options);
            try (Jedis j = server.admin()) {
                assertThat(j.hgetAll(key(1))).containsEntry("status", "paid").containsEntry("id", "1");
                assertThat(j.exists(key(2))).as("deleted over TLS").isFalse();
                j.flushAll();
            }
        }
    }

    @Test
    void aServerCertificateFromAnotherCaFailsClearlyAndIsNotRetried() {
        Map<String, Object> other = options("127.0.0.1");
        other.put("tls-truststore-path", server.otherTrustStore.toString());
        other.put("tls-truststore-password", server.storePassword);
        Map<String, Object> jvmDefault = options("127.0.0.1"); // the JVM's CAs do not include a throwaway CA
        for (Map<String, Object> options : List.of(other, jvmDefault)) {
            Throwable thrown = catchThrowable(() -> sink(options).open());
            assertThat(thrown).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("TLS handshake failed").hasMessageContaining("not trusted")
                    .hasMessageContaining("tls-truststore-path").hasMessageContaining(server.uri("127.0.0.1")
                            .replace("rediss://", ""));
            assertNoSecret(thrown, server.storePassword);
        }
    }

    @Test
    void aWrongTrustStorePasswordOrAMissingFileNamesTheOptions() {
        Map<String, Object> wrong = options("127.0.0.1");
        wrong.put("tls-truststore-path", server.trustStore.toString());
        wrong.put("tls-truststore-password", "not-the-" + server.storePassword);
        Throwable thrown = catchThrowable(() -> sink(wrong).open());
        assertThat(thrown).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("tls-truststore-path").hasMessageContaining("tls-truststore-password");
        assertNoSecret(thrown, "not-the-" + server.storePassword);

        Map<String, Object> missing = options("127.0.0.1");
        missing.put("tls-truststore-path", server.dir.resolve("nothing-here.p12").toString());
        assertThat(catchThrowable(() -> sink(missing).open())).isInstanceOf(CdcException.class)
                .hasMessageContaining("tls-truststore-path").hasMessageContaining("does not exist");
    }

    @Test
    void aServerThatRequiresClientCertificatesAcceptsTheKeyStoreAndRefusesClearlyWithout() throws Exception {
        try (Jedis j = server.admin()) {
            j.configSet("tls-auth-clients", "yes");
        }
        Map<String, Object> options = options("127.0.0.1");
        options.put("tls-truststore-path", server.trustStore.toString());
        options.put("tls-truststore-password", server.storePassword);
        Throwable thrown = catchThrowable(() -> sink(options).open());
        assertThat(thrown).isInstanceOf(CdcException.class).hasMessageContaining("tls-keystore-path");

        options.put("tls-keystore-path", server.clientKeyStore.toString());
        options.put("tls-keystore-password", server.storePassword);
        writeThrough(options);
        try (Jedis j = server.admin()) {
            assertThat(j.hget(key(1), "status")).isEqualTo("paid");
        }
    }

    @Test
    void anAclUserWritesWithItsPasswordAndSecretsNeverShow() throws Exception {
        String user = "cdc-redis-" + target.name();
        String password = "acl-pw-" + UUID.randomUUID();
        try (Jedis j = server.admin()) {
            // the grant docs/cdc-sink-redis.md names, on the sink's keys only
            j.aclSetUser(user, "on", ">" + password, "~" + target.name() + ":*", "+@scripting", "+@hash", "+@string",
                    "+@keyspace", "+@stream", "+@connection");
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
            System.setOut(capture);
            System.setErr(capture);
            Map<String, Object> options = options("127.0.0.1");
            options.put("tls-truststore-path", server.trustStore.toString());
            options.put("tls-truststore-password", server.storePassword);
            options.put("user", user);
            options.put("password", password);
            writeThrough(options);
            try (Jedis j = server.admin()) {
                assertThat(j.hget(key(1), "status")).isEqualTo("paid");
            }

            Map<String, Object> wrong = new HashMap<>(options);
            wrong.put("password", "wrong-" + password);
            Throwable refused = catchThrowable(() -> sink(wrong).open());
            assertThat(refused).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("'user' and 'password'");
            assertNoSecret(refused, password);

            Map<String, Object> elsewhere = new HashMap<>(options);
            elsewhere.put("key-template", "not-" + target.name() + ":${table}:${key}");
            Throwable noPermission = catchThrowable(() -> {
                try (Sink sink = sink(elsewhere)) {
                    sink.open();
                    sink.write(List.of(upsert(3, "new")));
                    sink.flush();
                }
            });
            assertThat(noPermission).isInstanceOf(CdcException.class).isNotInstanceOf(RetriableException.class)
                    .hasMessageContaining("NOPERM");
            assertNoSecret(noPermission, password);
            assertThat(sink(options).toString()).doesNotContain(password);
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Jedis j = server.admin()) {
                j.aclDelUser(user);
            }
        }
        String all = printed.toString(StandardCharsets.UTF_8) + Files.readString(server.log);
        assertThat(all).as("what the test process and the server printed").doesNotContain(password)
                .doesNotContain(server.storePassword);
    }

    /** The message, every cause's message and the printed stack trace hold none of the secrets. */
    private static void assertNoSecret(Throwable thrown, String... secrets) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        for (String secret : secrets) {
            assertThat(trace.toString()).doesNotContain(secret);
        }
    }
}
