package dev.cdc.sink.redis;

import dev.cdc.api.error.CdcException;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
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
 * @param keyStore       rediss:// key store with the client's certificate and key (mutual TLS), if any
 * @param keyStorePassword its password, if any (secret)
 * @param insecureTrustAll accept any certificate and host name
 * @param connectTimeout connect timeout
 * @param readTimeout    read timeout
 * @param clientName     CLIENT SETNAME, so operators see which pipeline and sink a connection is
 */
record RedisEndpoint(String host, int port, boolean tls, Optional<String> user, Optional<String> password,
                     int database, Optional<Path> trustStore, Optional<String> trustStorePassword,
                     Optional<Path> keyStore, Optional<String> keyStorePassword, boolean insecureTrustAll, Duration connectTimeout, Duration readTimeout, String clientName) {

    /**
     * Parses {@code redis://host:port[/db]} or {@code rediss://...}; user info in the URI is used
     * when the options do not give user and password.
     *
     * @throws IllegalArgumentException what is wrong with the URI
     */
    static RedisEndpoint parse(String uri, Optional<String> user, Optional<String> password, Optional<Integer> database,
                               Optional<Path> trustStore, Optional<String> trustStorePassword,
                               Optional<Path> keyStore, Optional<String> keyStorePassword, boolean insecureTrustAll,
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
                password.or(() -> uriPassword), database.orElse(db), trustStore, trustStorePassword, keyStore, keyStorePassword, insecureTrustAll,
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
        Jedis jedis = null;
        try {
            jedis = new Jedis(new FlushingConnection(new HostAndPort(host, port), config.build()));
            jedis.ping();
            return jedis;
        } catch (JedisConnectionException e) {
            close(jedis);
            if (tls && keyStore.isEmpty() && RedisErrors.tlsProblem(e) == null) {
                // under TLS 1.3 a server that wants a client certificate may just close the connection
                throw new JedisConnectionException(e.getMessage() + "; if the server requires client certificates"
                        + " (tls-auth-clients yes, Redis's default), set tls-keystore-path", e);
            }
            throw e;
        } catch (RuntimeException e) {
            close(jedis);
            throw e;
        }
    }

    private static void close(Jedis jedis) {
        if (jedis != null) {
            jedis.close();
        }
    }

    private SSLSocketFactory socketFactory() {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new CdcException("this JVM has no TLS implementation: " + e.getMessage(), e);
        }
        TrustManager[] trust = null;
        if (insecureTrustAll) {
            trust = new TrustManager[]{new TrustAll()};
        } else if (trustStore.isPresent()) {
            TrustManagerFactory factory = storeFactory(TrustManagerFactory.getDefaultAlgorithm(), TrustManagerFactory::getInstance);
            try {
                factory.init(load(trustStore.get(), trustStorePassword, "tls-truststore-path", "tls-truststore-password"));
            } catch (java.security.KeyStoreException e) {
                throw new CdcException("could not use tls-truststore-path " + trustStore.get() + ": " + e.getMessage(), e);
            }
            trust = factory.getTrustManagers();
        }
        KeyManager[] keys = null;
        if (keyStore.isPresent()) {
            KeyManagerFactory factory = storeFactory(KeyManagerFactory.getDefaultAlgorithm(), KeyManagerFactory::getInstance);
            try {
                factory.init(load(keyStore.get(), keyStorePassword, "tls-keystore-path", "tls-keystore-password"),
                        keyStorePassword.map(String::toCharArray).orElse(new char[0]));
            } catch (java.security.GeneralSecurityException e) {
                throw new CdcException("could not use the client key in tls-keystore-path " + keyStore.get() + ": "
                        + e.getMessage() + "; the key's password must be tls-keystore-password (as openssl pkcs12 "
                        + "-export makes it)", e);
            }
            keys = factory.getKeyManagers();
        }
        try {
            context.init(keys, trust, null);
        } catch (java.security.KeyManagementException e) {
            throw new CdcException("could not set up TLS for Redis at " + this + ": " + e.getMessage(), e);
        }
        return context.getSocketFactory();
    }

    private interface Lookup<T> {
        T get(String algorithm) throws java.security.NoSuchAlgorithmException;
    }

    private static <T> T storeFactory(String algorithm, Lookup<T> lookup) {
        try {
            return lookup.get(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new CdcException("this JVM cannot read key or trust stores (" + algorithm + "): " + e.getMessage(), e);
        }
    }

    /** Loads a PKCS12 or JKS store (the JVM detects which), naming the options to fix when it cannot. */
    private static KeyStore load(Path path, Optional<String> password, String pathOption, String passwordOption) {
        if (!Files.isReadable(path)) {
            throw new CdcException(pathOption + " was '" + path + "' but that file does not exist or cannot be read;"
                    + " expected a PKCS12 or JKS key store");
        }
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            try (InputStream in = Files.newInputStream(path)) {
                store.load(in, password.map(String::toCharArray).orElse(null));
            }
            return store;
        } catch (Exception e) {
            // never the password itself: only what is wrong with the store
            throw new CdcException("could not read " + pathOption + " '" + path + "' (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); expected a PKCS12 or JKS key store; check " + passwordOption, e);
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
