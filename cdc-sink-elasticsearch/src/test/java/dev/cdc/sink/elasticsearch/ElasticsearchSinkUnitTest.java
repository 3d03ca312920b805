package dev.cdc.sink.elasticsearch;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.error.ConfigurationException;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.Sink;
import dev.cdc.testkit.assertion.PluginFactoryAssertions;
import dev.cdc.testkit.fixture.TestPluginContext;
import dev.cdc.testkit.fixture.TestTarget;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Version mapping, document ids, index names and the factory; needs no server. */
class ElasticsearchSinkUnitTest {

    @Test
    void sixteenDigitSortKeysAreTheirNumber() {
        ExternalVersions v = new ExternalVersions(20);
        assertThat(v.of("0000000000000001")).isEqualTo(1);
        assertThat(v.of("7fffffffffffffff")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> v.of("8000000000000000")).isInstanceOf(CdcException.class).hasMessageContaining("2^63");
    }

    @Test
    void longerSortKeysKeepTheirOrderWithinTheLimits() {
        ExternalVersions v = new ExternalVersions(20);
        // PostgreSQL-like: 16 hex of LSN + 8 hex of event index
        long a = v.of("000000000016B3740000000f");
        long b = v.of("000000000016B37400000010");
        long c = v.of("000000000016B37500000000");
        assertThat(a).isLessThan(b);
        assertThat(b).isLessThan(c);
        assertThat(a).isEqualTo((0x16B374L << 20) | 0xf);
        assertThatThrownBy(() -> v.of("000000000016B37400100000")).hasMessageContaining("raise")
                .hasMessageContaining("version-low-bits");
        assertThatThrownBy(() -> v.of("0000100000000000" + "00000001")).hasMessageContaining("lower");
        assertThatThrownBy(() -> v.of("xyz")).hasMessageContaining("not hexadecimal");
    }

    @Test
    void snapshotRowsOfAnySizeKeepOnlyTheSnapshotPoint() {
        ExternalVersions v = new ExternalVersions(20);
        // PostgreSQL snapshot: 16 hex of (consistent point - 1) + 16 hex of the row's sequence, here past 2^20 rows
        String point = "000000000016B373";
        long row = v.ofSnapshotRow(point + "0000000000200000");
        assertThat(row).isEqualTo(0x16B373L << 20);
        assertThat(v.ofSnapshotRow(point + "0000000000000001")).isEqualTo(row);
        assertThatThrownBy(() -> v.of(point + "0000000000200000")).hasMessageContaining("version-low-bits");
        // the first streamed change at or after the consistent point is newer than every snapshot row
        assertThat(v.of("000000000016B37400000001")).isGreaterThan(row);
        assertThat(v.ofSnapshotRow("0000000000000007")).isEqualTo(7);
    }

    @Test
    void documentIdsAreStable() {
        assertThat(ElasticsearchSink.documentId(Row.of("id", 42L))).isEqualTo("42");
        assertThat(ElasticsearchSink.documentId(Row.of("code", "a,b"))).isEqualTo("a,b");
        assertThat(ElasticsearchSink.documentId(Row.of("order_id", 1L, "line_no", 2))).isEqualTo("[1,2]");
        assertThat(ElasticsearchSink.documentId(Row.of("a", "x\",", "b", 2L))).isEqualTo("[\"x\\\",\",2]");
        assertThat(ElasticsearchSink.documentId(Row.of("a", 1, "b", 2)))
                .isEqualTo(ElasticsearchSink.documentId(Row.of("a", 1L, "b", 2L)));
        assertThat(ElasticsearchSink.hashId(TableId.of("s", "t"), Row.of("a", 1L, "b", "x")))
                .isEqualTo(ElasticsearchSink.hashId(TableId.of("s", "t"), Row.of("b", "x", "a", 1L))).hasSize(64);
    }

    @Test
    void indexNamesFollowTheTemplate() {
        TableId t = TableId.of("Shop", "Orders");
        Instant at = Instant.parse("2024-05-01T10:15:30Z");
        assertThat(new IndexNames("${table}").of(t, at)).isEqualTo("shop.orders");
        assertThat(new IndexNames("cdc-${schema}-${name}").of(t, at)).isEqualTo("cdc-shop-orders");
        assertThat(new IndexNames("${name}-${commit_date:yyyy.MM}").of(t, at)).isEqualTo("orders-2024.05");
        assertThat(new IndexNames("search").of(t, at)).isEqualTo("search");
        assertThat(new IndexNames("_x ${name}").of(t, at)).isEqualTo("x_orders");
        assertThatThrownBy(() -> new IndexNames("${tabel}")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("${tabel}");
    }

    @Test
    void factoryIsWellDeclaredAndValidates() throws Exception {
        ElasticsearchSinkFactory f = new ElasticsearchSinkFactory();
        PluginFactoryAssertions.assertWellDeclared(f);
        TestTarget target = TestTarget.create();
        try {
            Sink sink = f.create(TestPluginContext.bind(f, Map.of(), target, "es"));
            sink.close();
            sink.close();
            assertThat(ElasticsearchOptions.PASSWORD.isSecret()).isTrue();
            assertThat(ElasticsearchOptions.API_KEY.isSecret()).isTrue();
            assertThatThrownBy(() -> f.create(TestPluginContext.bind(f, Map.of("password", "p", "index", "${nope}"),
                    target, "es"))).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("username").hasMessageContaining("${nope}").hasMessageNotContaining("p'");
        } finally {
            target.deleteDirectory();
        }
    }
}
