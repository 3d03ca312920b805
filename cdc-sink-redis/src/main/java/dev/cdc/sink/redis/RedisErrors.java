package dev.cdc.sink.redis;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.RetriableException;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.util.List;

/**
 * Sorts Redis failures into retriable ones (connection lost, timeouts, a server loading its data,
 * busy with a script, out of memory, a replica being promoted) and permanent ones (wrong key
 * type, missing permission, a script error), with a message that says how to fix the latter.
 * Stateless and thread-safe.
 */
final class RedisErrors {

    /** Error prefixes of conditions that pass: the server is loading, busy, failing over or full. */
    private static final List<String> RETRIABLE = List.of("LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN",
            "CLUSTERDOWN", "OOM", "READONLY", "NOREPLICAS", "UNBLOCKED");

    private RedisErrors() {
    }

    static boolean isRetriable(String message) {
        for (String prefix : RETRIABLE) {
            if (message.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The failure as a cdc exception; {@code where} says which sink was doing what against which server. */
    static CdcException translate(String where, RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        String tls = tlsProblem(e);
        if (tls != null) {
            return new CdcException(where + ": TLS handshake failed: " + tls, e);
        }
        if (e instanceof JedisConnectionException) {
            return new RetriableException(where + ": connection failed: " + message
                    + rootCause(e) + "; will retry", e);
        }
        if (e instanceof JedisAccessControlException) {
            return new CdcException(where + ": " + message + "; check 'user' and 'password', and that the ACL user"
                    + " may run PING, CLIENT SETNAME, EVALSHA, SCRIPT LOAD, EVAL, HGET/HSET/HLEN/HDEL, GET/SET,"
                    + " DEL/UNLINK, PEXPIRE, SCAN, TYPE and XADD on the sink's keys (ACL SETUSER ... +@connection"
                    + " +@scripting +@hash +@string +@keyspace +@stream ~<your key prefix>*)", e);
        }
        if (e instanceof JedisBusyException || (e instanceof JedisDataException && isRetriable(message))) {
            return new RetriableException(where + ": Redis answered " + message + "; will retry", e);
        }
        if (e instanceof JedisDataException) {
            String hint = message.startsWith("WRONGTYPE")
                    ? "; another program uses one of the sink's keys for another type: change key-template,"
                    + " stream-template or metadata-prefix so they do not collide"
                    : message.startsWith("NOPERM")
                    ? "; grant the ACL user the commands the sink runs (see docs/cdc-sink-redis.md)" : "";
            return new CdcException(where + ": Redis answered " + message + hint, e);
        }
        return new CdcException(where + ": " + e, e);
    }

    /**
     * What is wrong when the failure is a TLS handshake that no retry can fix (a certificate that
     * is not trusted or does not name the host, a client certificate the server wants or refuses),
     * with what to change; null for anything else.
     */
    static String tlsProblem(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.security.cert.CertificateException
                    || c instanceof java.security.cert.CertPathBuilderException
                    || c instanceof java.security.cert.CertPathValidatorException) {
                return "the server's certificate is not trusted (" + c.getMessage() + "); put the CA that signed it"
                        + " in a trust store named by tls-truststore-path (PKCS12 or JKS, with tls-truststore-password),"
                        + " and connect with a host name or IP address the certificate names";
            }
            String m = String.valueOf(c.getMessage());
            if (c instanceof javax.net.ssl.SSLException && (m.contains("certificate_required")
                    || m.contains("bad_certificate") || m.contains("unknown_ca") || m.contains("certificate_unknown"))) {
                return "the server refused the client certificate (" + m + "); it requires one signed by a CA it"
                        + " trusts (tls-auth-clients): set tls-keystore-path (and tls-keystore-password) to a key store"
                        + " holding that certificate and its key";
            }
        }
        return null;
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? "" : " (" + root + ")";
    }
}
