package dev.cdc.kafka;

import dev.cdc.api.config.ConfigProblem;
import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The bound {@link KafkaClientOptions}: one typed record every Kafka plugin builds its clients
 * from ({@link #properties}), so the sink, the source and the checkpoint store connect and
 * authenticate the same way. {@link #toString()} masks the passwords.
 */
public record KafkaClientConfig(List<String> bootstrapServers, String securityProtocol, String saslMechanism,
                                Optional<String> saslUser, Optional<String> saslPassword,
                                Optional<String> truststorePath, Optional<String> truststorePassword,
                                Optional<String> keystorePath, Optional<String> keystorePassword,
                                Map<String, String> clientProperties) {

    public KafkaClientConfig {
        bootstrapServers = List.copyOf(bootstrapServers);
        clientProperties = Map.copyOf(clientProperties);
    }

    /** A plaintext client of the given brokers (tests, tools). */
    public static KafkaClientConfig plaintext(String bootstrapServers) {
        return new KafkaClientConfig(List.of(bootstrapServers.split(",")), "PLAINTEXT", "PLAIN", Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
    }

    /**
     * Binds the connection options, checking the ones that belong together (SASL needs user and
     * password; TLS files must exist) and refusing {@code client-properties} keys that would
     * undo a setting in {@code owned} (what the plugin's guarantees rest on).
     *
     * @throws ConfigurationException listing every problem, each naming its option
     */
    public static KafkaClientConfig from(Configuration c, Set<String> owned) {
        KafkaClientConfig config = bind(c);
        List<ConfigProblem> problems = config.problems(owned);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return config;
    }

    /** Binds the connection options without checking how they fit together (see {@link #problems}). */
    public static KafkaClientConfig bind(Configuration c) {
        return new KafkaClientConfig(c.get(KafkaClientOptions.BOOTSTRAP_SERVERS),
                c.get(KafkaClientOptions.SECURITY_PROTOCOL), c.get(KafkaClientOptions.SASL_MECHANISM),
                c.getOptional(KafkaClientOptions.SASL_USER), c.getOptional(KafkaClientOptions.SASL_PASSWORD),
                c.getOptional(KafkaClientOptions.TLS_TRUSTSTORE_PATH),
                c.getOptional(KafkaClientOptions.TLS_TRUSTSTORE_PASSWORD),
                c.getOptional(KafkaClientOptions.TLS_KEYSTORE_PATH),
                c.getOptional(KafkaClientOptions.TLS_KEYSTORE_PASSWORD),
                c.get(KafkaClientOptions.CLIENT_PROPERTIES));
    }

    /** What is wrong with this combination of options (empty when nothing is). */
    public List<ConfigProblem> problems(Set<String> owned) {
        List<ConfigProblem> problems = new ArrayList<>();
        boolean sasl = securityProtocol.startsWith("SASL_");
        boolean tls = securityProtocol.endsWith("SSL");
        if (sasl && saslUser.isEmpty()) {
            problems.add(ConfigProblem.of(KafkaClientOptions.SASL_USER.key(),
                    "is required with security-protocol " + securityProtocol));
        }
        if (sasl && saslPassword.isEmpty()) {
            problems.add(ConfigProblem.of(KafkaClientOptions.SASL_PASSWORD.key(),
                    "is required with security-protocol " + securityProtocol));
        }
        if (!sasl && saslUser.isPresent()) {
            problems.add(ConfigProblem.of(KafkaClientOptions.SASL_USER.key(), "is set but security-protocol is "
                    + securityProtocol + "; use SASL_PLAINTEXT or SASL_SSL to authenticate with it"));
        }
        if (!tls && (truststorePath.isPresent() || keystorePath.isPresent())) {
            problems.add(ConfigProblem.of(truststorePath.isPresent() ? KafkaClientOptions.TLS_TRUSTSTORE_PATH.key()
                    : KafkaClientOptions.TLS_KEYSTORE_PATH.key(), "is set but security-protocol is " + securityProtocol
                    + "; use SSL or SASL_SSL for TLS"));
        }
        truststorePath.filter(p -> !Files.isReadable(Path.of(p))).ifPresent(p -> problems.add(ConfigProblem.of(
                KafkaClientOptions.TLS_TRUSTSTORE_PATH.key(), "'" + p + "' is not a readable file")));
        keystorePath.filter(p -> !Files.isReadable(Path.of(p))).ifPresent(p -> problems.add(ConfigProblem.of(
                KafkaClientOptions.TLS_KEYSTORE_PATH.key(), "'" + p + "' is not a readable file")));
        for (String key : clientProperties.keySet()) {
            if (owned.contains(key)) {
                problems.add(ConfigProblem.of(KafkaClientOptions.CLIENT_PROPERTIES.key() + "." + key,
                        "may not be set: this plugin sets it itself, and its delivery guarantee depends on it"));
            }
        }
        return problems;
    }

    /**
     * The client settings: brokers, security, then {@code client-properties}, then the plugin's
     * own {@code fixed} settings (which {@link #from} has already checked are not overridden).
     */
    public Properties properties(String clientId, Map<String, String> defaults, Map<String, String> fixed) {
        Properties p = new Properties();
        p.putAll(defaults);
        p.put("bootstrap.servers", String.join(",", bootstrapServers));
        p.put("client.id", clientId);
        p.put("security.protocol", securityProtocol);
        if (securityProtocol.startsWith("SASL_")) {
            p.put("sasl.mechanism", saslMechanism);
            String module = saslMechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(saslUser.orElseThrow())
                    + "\" password=\"" + jaasEscape(saslPassword.orElseThrow()) + "\";");
        }
        truststorePath.ifPresent(v -> p.put("ssl.truststore.location", v));
        truststorePassword.ifPresent(v -> p.put("ssl.truststore.password", v));
        keystorePath.ifPresent(v -> p.put("ssl.keystore.location", v));
        keystorePassword.ifPresent(v -> {
            p.put("ssl.keystore.password", v);
            p.put("ssl.key.password", v);
        });
        p.putAll(clientProperties);
        p.putAll(fixed);
        return p;
    }

    private static String jaasEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return "KafkaClientConfig[bootstrapServers=" + String.join(",", bootstrapServers) + ", securityProtocol="
                + securityProtocol + (securityProtocol.startsWith("SASL_") ? ", saslMechanism=" + saslMechanism
                + ", saslUser=" + saslUser.orElse("") + ", saslPassword=******" : "")
                + truststorePath.map(t -> ", truststore=" + t).orElse("")
                + keystorePath.map(k -> ", keystore=" + k).orElse("")
                + (clientProperties.isEmpty() ? "" : ", clientProperties=" + clientProperties) + "]";
    }
}
