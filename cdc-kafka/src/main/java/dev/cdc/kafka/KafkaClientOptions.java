package dev.cdc.kafka;

import dev.cdc.api.config.ConfigOption;

import java.util.List;
import java.util.Map;

/**
 * The connection options every Kafka plugin (the {@code kafka} sink, source and checkpoint store)
 * takes: where the brokers are and how to authenticate. Bound once into a {@link KafkaClientConfig},
 * which builds the client {@code Properties}. See docs/cdc-kafka.md.
 */
public final class KafkaClientOptions {

    public static final ConfigOption<List<String>> BOOTSTRAP_SERVERS = ConfigOption.key("bootstrap-servers")
            .listType().defaultValue(List.of("127.0.0.1:9092"))
            .check(l -> !l.isEmpty() && l.stream().allMatch(KafkaClientOptions::isHostPort),
                    "a list of host:port (at least one)")
            .description("Brokers to bootstrap from (host:port); the client discovers the rest of the cluster.");

    public static final ConfigOption<String> SECURITY_PROTOCOL = ConfigOption.key("security-protocol")
            .enumType("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").defaultValue("PLAINTEXT")
            .description("How to talk to the brokers: PLAINTEXT, SSL (TLS), SASL_PLAINTEXT or SASL_SSL "
                    + "(SASL authentication, without or with TLS).");

    public static final ConfigOption<String> SASL_MECHANISM = ConfigOption.key("sasl-mechanism")
            .enumType("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512").defaultValue("PLAIN")
            .description("SASL_* only: the SASL mechanism of sasl-user and sasl-password.");

    public static final ConfigOption<String> SASL_USER = ConfigOption.key("sasl-user").stringType().noDefaultValue()
            .description("SASL_* only (required there): the user name.");

    public static final ConfigOption<String> SASL_PASSWORD = ConfigOption.key("sasl-password").stringType()
            .noDefaultValue().secret()
            .description("SASL_* only (required there): the password; use ${env:NAME} or ${file:/path} to keep "
                    + "it out of the file. Never logged.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PATH = ConfigOption.key("tls-truststore-path")
            .stringType().noDefaultValue()
            .description("SSL, SASL_SSL: a trust store (PKCS12 or JKS) with the CA that signed the brokers' "
                    + "certificates; default: the JVM's trusted CAs.");

    public static final ConfigOption<String> TLS_TRUSTSTORE_PASSWORD = ConfigOption.key("tls-truststore-password")
            .stringType().noDefaultValue().secret()
            .description("SSL, SASL_SSL: the trust store's password, if it has one.");

    public static final ConfigOption<String> TLS_KEYSTORE_PATH = ConfigOption.key("tls-keystore-path")
            .stringType().noDefaultValue()
            .description("SSL, SASL_SSL: a key store (PKCS12 or JKS) with the client certificate and key, for "
                    + "brokers that require client certificates (ssl.client.auth=required).");

    public static final ConfigOption<String> TLS_KEYSTORE_PASSWORD = ConfigOption.key("tls-keystore-password")
            .stringType().noDefaultValue().secret()
            .description("SSL, SASL_SSL: the key store's password, also the password of the key in it.");

    public static final ConfigOption<Map<String, String>> CLIENT_PROPERTIES = ConfigOption.key("client-properties")
            .mapType().defaultValue(Map.of())
            .check(KafkaClientOptions::noSecretsIn, "no password or JAAS setting (use sasl-password and "
                    + "tls-*-password, which are masked in logs)")
            .description("More Kafka client settings, passed as they are (e.g. client.dns.lookup, "
                    + "linger.ms, compression.type); they win over the settings cdc derives, except the ones "
                    + "its guarantees rest on, which are refused with a message.");

    /** Every option, in the order {@code cdc plugins} lists them. */
    public static List<ConfigOption<?>> all() {
        return List.of(BOOTSTRAP_SERVERS, SECURITY_PROTOCOL, SASL_MECHANISM, SASL_USER, SASL_PASSWORD,
                TLS_TRUSTSTORE_PATH, TLS_TRUSTSTORE_PASSWORD, TLS_KEYSTORE_PATH, TLS_KEYSTORE_PASSWORD,
                CLIENT_PROPERTIES);
    }

    private static boolean isHostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return false;
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            return port > 0 && port < 65536;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean isSecretKey(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return k.contains("password") || k.contains("jaas") || k.contains("secret");
    }

    private static boolean noSecretsIn(Map<String, String> props) {
        return props.keySet().stream().noneMatch(KafkaClientOptions::isSecretKey);
    }

    private KafkaClientOptions() {
    }
}
