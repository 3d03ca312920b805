package dev.cdc.sink.redis;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A private redis-server with TLS only ({@code --port 0 --tls-port N}) on 127.0.0.1, for the TLS
 * tests: a throwaway CA, a server certificate for 127.0.0.1 and localhost, a client certificate,
 * and a second CA that signed nothing of this server, all made with openssl at test time under
 * {@code target/}. Trust and key stores are PKCS12 files with random passwords. Stopped by
 * {@link #close()}.
 */
final class RedisTlsServer implements AutoCloseable {

    final Path dir;
    final int port;
    /** PKCS12 trust store holding the CA that signed the server certificate. */
    final Path trustStore;
    /** PKCS12 trust store holding an unrelated CA. */
    final Path otherTrustStore;
    /** PKCS12 key store with the client certificate (signed by the CA) and its key. */
    final Path clientKeyStore;
    final String storePassword = "store-pw-" + UUID.randomUUID();
    final Path log;
    private final Process process;

    private RedisTlsServer(Path dir) throws Exception {
        this.dir = dir;
        Files.createDirectories(dir);
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
                "-subj", "/CN=cdc redis test CA");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.crt",
                "-days", "2", "-subj", "/CN=cdc redis other CA");
        signed("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        signed("client", "cdc redis test client", "extendedKeyUsage=clientAuth\n");
        openssl("pkcs12", "-export", "-in", "client.crt", "-inkey", "client.key", "-out", "client.p12",
                "-passout", "pass:" + storePassword);
        trustStore = trustStore("ca.crt", "trust.p12");
        otherTrustStore = trustStore("other-ca.crt", "other-trust.p12");
        clientKeyStore = dir.resolve("client.p12");
        log = dir.resolve("redis.log");
        port = freePort();
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", "0", "--tls-port",
                Integer.toString(port), "--bind", "127.0.0.1", "--tls-cert-file", "server.crt", "--tls-key-file",
                "server.key", "--tls-ca-cert-file", "ca.crt", "--tls-auth-clients", "optional", "--save", "",
                "--appendonly", "no", "--dir", dir.toAbsolutePath().toString(), "--logfile", log.toAbsolutePath().toString()));
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.out").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server (package redis-server, installed by "
                    + "scripts/services.sh redis): " + e.getMessage(), e);
        }
        awaitReady();
    }

    /** Makes the certificates and starts the server under {@code dir}. */
    static RedisTlsServer start(Path dir) throws Exception {
        return new RedisTlsServer(dir);
    }

    /**
     * A client of this server for setting up and reading back: trusts its CA and presents the
     * client certificate, so it works whatever tls-auth-clients is.
     */
    Jedis admin() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(clientKeyStore), storePassword.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return new Jedis(new HostAndPort("127.0.0.1", port), DefaultJedisClientConfig.builder().ssl(true)
                .sslSocketFactory(context.getSocketFactory()).build());
    }

    private KeyStore load(Path path) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, storePassword.toCharArray());
        }
        return store;
    }

    String uri(String host) {
        return "rediss://" + host + ":" + port;
    }

    private void signed(String name, String subject, String extensions) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=" + subject);
        Files.writeString(dir.resolve(name + ".ext"), extensions);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    private Path trustStore(String certificate, String file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve(certificate))) {
            store.setCertificateEntry("ca", (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in));
        }
        Path path = dir.resolve(file);
        try (var out = Files.newOutputStream(path)) {
            store.store(out, storePassword.toCharArray());
        }
        return path;
    }

    private void openssl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed:\n" + out);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("redis-server with TLS exited with " + process.exitValue() + ":\n"
                        + read(dir.resolve("redis.out")) + read(log));
            }
            try (Jedis j = admin()) {
                if ("PONG".equals(j.ping())) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        close();
        throw new IllegalStateException("redis-server with TLS on port " + port + " did not answer within 20 s:\n"
                + read(log), last);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
