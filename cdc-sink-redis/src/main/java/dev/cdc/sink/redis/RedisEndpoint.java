package dev.cdc.sink.redis;

import dev.cdc.api.error.CdcException;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;

/**
 * Where and how to connect: host, port, TLS, credentials, database, timeouts. Built and checked
 * by the factory (no connection); {@link #connect} opens one. The password is never part of
 * {@link #toString()}. Immutable and thread-safe.
 *
 * @param host           server host
 * @param port           server port
 * @param tls            rediss://
 * @param user           ACL user, if any
 * @param password       password, if any (secret)
 * @param database       logical database
 * @param trustStore     rediss:// trust store path, if any
 * @param trustStorePassword its password, if any (secret)
 * @param insecureTrustAll accept any certificate and host name
 * @param connectTimeout connect timeout
 * @param readTimeout    read timeout
 * @param clientName     CLIENT SETNAME, so operators see which pipeline and sink a connection is
 */
record RedisEndpoint(String host, int port, boolean tls, Optional<String> user, Optional<String> password,
                     int database, Optional<Path> trustStore, Optional<String> trustStorePassword,
                     boolean insecureTrustAll, Duration connectTimeout, Duration readTimeout, String clientName) {

    /**
     * Parses {@code redis://host:port[/db]} or {@code rediss://...}; user info in the URI is used
     * when the options do not give user and password.
     *
     * @throws IllegalArgumentException what is wrong with the URI
     */
    static RedisEndpoint parse(String uri, Optional<String> user, Optional<String> password, Optional<Integer> database,
                               Optional<Path> trustStore, Optional<String> trustStorePassword, boolean insecureTrustAll,
                               Duration connectTimeout, Duration readTimeout, String clientName) {
        URI u;
        try {
            u = new URI(uri);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("was '" + redact(uri) + "' but it is not a URI: " + e.getReason());
        }
        boolean tls = "rediss".equals(u.getScheme());
        if (u.getHost() == null) {
            throw new IllegalArgumentException("was '" + redact(uri) + "' but it names no host; expected "
                    + "redis://host:port[/database]");
        }
        int db = 0;
        String path = u.getPath();
        if (path != null && path.length() > 1) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("was '" + redact(uri) + "' but its path '" + path
                        + "' is not a database number; expected redis://host:port/0");
            }
        }
        String info = u.getUserInfo();
        int colon = info == null ? -1 : info.indexOf(':');
        Optional<String> uriUser = colon <= 0 ? Optional.empty() : Optional.of(info.substring(0, colon));
        Optional<String> uriPassword = info == null ? Optional.empty()
                : Optional.of(colon < 0 ? info : info.substring(colon + 1));
        return new RedisEndpoint(u.getHost(), u.getPort() > 0 ? u.getPort() : 6379, tls, user.or(() -> uriUser),
                password.or(() -> uriPassword), database.orElse(db), trustStore, trustStorePassword, insecureTrustAll,
                connectTimeout, readTimeout, clientName);
    }

    /** The URI with any password replaced by {@code ******}. */
    static String redact(String uri) {
        return uri.replaceAll("(?<=://)([^/@]*:)?[^/@]*@", "$1******@");
    }

    /** Opens and authenticates a connection (a {@link FlushingConnection}). */
    Jedis connect() {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) connectTimeout.toMillis())
                .socketTimeoutMillis((int) readTimeout.toMillis())
                .database(database)
                .clientName(clientName)
                .clientSetInfoConfig(ClientSetInfoConfig.DISABLED);
        user.ifPresent(config::user);
        password.ifPresent(config::password);
        if (tls) {
            config.ssl(true).sslSocketFactory(socketFactory());
            if (insecureTrustAll) {
                config.hostnameVerifier((hostname, session) -> true);
            } else {
                SSLParameters parameters = new SSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                config.sslParameters(parameters);
            }
        }
        Jedis jedis = new Jedis(new FlushingConnection(new HostAndPort(host, port), config.build()));
        try {
            jedis.ping();
            return jedis;
        } catch (RuntimeException e) {
            jedis.close();
            throw e;
        }
    }

    private SSLSocketFactory socketFactory() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] trust = null;
            if (insecureTrustAll) {
                trust = new TrustManager[]{new TrustAll()};
            } else if (trustStore.isPresent()) {
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                try (InputStream in = Files.newInputStream(trustStore.get())) {
                    store.load(in, trustStorePassword.map(String::toCharArray).orElse(null));
                }
                TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                trust = factory.getTrustManagers();
            }
            context.init(null, trust, null);
            return context.getSocketFactory();
        } catch (Exception e) {
            throw new CdcException("could not set up TLS for Redis at " + this + ": " + e.getMessage()
                    + (trustStore.isPresent() ? "; check tls-truststore-path (" + trustStore.get()
                    + ") and tls-truststore-password" : ""), e);
        }
    }

    /** Accepts every certificate: {@code tls-insecure-trust-all: true}, for tests only. */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    @Override
    public String toString() {
        return (tls ? "rediss://" : "redis://") + user.map(u -> u + "@").orElse("") + host + ":" + port + "/" + database;
    }
}
