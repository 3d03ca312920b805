package dev.cdc.kafka;

import dev.cdc.api.config.Configuration;
import dev.cdc.api.error.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientConfigTest {

    private static KafkaClientConfig bind(Map<String, Object> raw, Set<String> owned) {
        return KafkaClientConfig.from(Configuration.of(KafkaClientOptions.all(), raw), owned);
    }

    @Test
    void defaultsToThePlaintextTestBroker() {
        KafkaClientConfig c = bind(Map.of(), Set.of());
        Properties p = c.properties("cdc-x", Map.of(), Map.of());
        assertThat(p).containsEntry("bootstrap.servers", "127.0.0.1:9092").containsEntry("client.id", "cdc-x")
                .containsEntry("security.protocol", "PLAINTEXT").doesNotContainKey("sasl.jaas.config");
    }

    @Test
    void saslBuildsAJaasConfigAndMasksThePasswordEverywhere() {
        Configuration raw = Configuration.of(KafkaClientOptions.all(), Map.of("security-protocol", "SASL_PLAINTEXT",
                "sasl-user", "cdc", "sasl-password", "s3cr\"et", "bootstrap-servers", List.of("h1:9094", "h2:9094")));
        KafkaClientConfig c = KafkaClientConfig.from(raw, Set.of());
        Properties p = c.properties("id", Map.of(), Map.of());
        assertThat(p.getProperty("sasl.jaas.config")).isEqualTo(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"cdc\" password=\"s3cr\\\"et\";");
        assertThat(p).containsEntry("bootstrap.servers", "h1:9094,h2:9094").containsEntry("sasl.mechanism", "PLAIN");
        assertThat(c.toString()).doesNotContain("s3cr").contains("saslPassword=******");
        assertThat(raw.toString()).doesNotContain("s3cr");
    }

    @Test
    void reportsEveryProblemAtOnceNamingTheOption() {
        assertThatThrownBy(() -> bind(Map.of("security-protocol", "SASL_SSL", "tls-truststore-path", "/no/such.p12",
                "client-properties", Map.of("acks", "1")), Set.of("acks")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("sasl-user").hasMessageContaining("sasl-password")
                .hasMessageContaining("'/no/such.p12' is not a readable file")
                .hasMessageContaining("client-properties.acks");
    }

    @Test
    void refusesSecretsInThePassThroughMapAndBadServers() {
        assertThatThrownBy(() -> bind(Map.of("client-properties", Map.of("ssl.key.password", "x")), Set.of()))
                .hasMessageContaining("client-properties").hasMessageContaining("no password or JAAS setting")
                .hasMessageNotContaining("'x'");
        assertThatThrownBy(() -> bind(Map.of("bootstrap-servers", List.of("localhost")), Set.of()))
                .hasMessageContaining("bootstrap-servers").hasMessageContaining("host:port");
    }

    @Test
    void clientPropertiesPassThroughAndFixedSettingsWin() {
        KafkaClientConfig c = bind(Map.of("client-properties", Map.of("linger.ms", "20")), Set.of("acks"));
        Properties p = c.properties("id", Map.of("linger.ms", "5", "batch.size", "65536"), Map.of("acks", "all"));
        assertThat(p).containsEntry("linger.ms", "20").containsEntry("batch.size", "65536").containsEntry("acks", "all");
    }
}
