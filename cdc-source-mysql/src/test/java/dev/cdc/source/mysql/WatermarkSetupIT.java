package dev.cdc.source.mysql;

import dev.cdc.api.spi.SourceSetup;
import dev.cdc.testkit.fixture.TestPluginContext;
import org.junit.jupiter.api.Test;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The watermark table through {@code cdc setup}'s interface: printed, created, dropped; a user without CREATE told what to run. */
class WatermarkSetupIT extends MariaDbFixture {

    @Test
    void setupCreatesAndDropsTheWatermarkTableAndAUserWithoutCreateIsToldTheStatementAndTheGrant() throws Exception {
        String marks = target.name("marks");
        Map<String, Object> o = options();
        o.put("watermark-table", marks);
        SourceSetup setup = setup(o);
        assertThat(setup.setupStatements()).singleElement().asString()
                .startsWith("CREATE TABLE IF NOT EXISTS `test`.`" + marks + "`");
        setup.setUp();
        assertThat(exists(marks)).isTrue();
        setup.drop();
        assertThat(exists(marks)).isFalse();

        String user = "bfm_" + Long.toHexString(System.nanoTime() & 0xffffff);
        db.execute("CREATE USER '" + user + "'@'%' IDENTIFIED BY 'pw'");
        try {
            db.execute("GRANT SELECT ON `test`.* TO '" + user + "'@'%'");
            Map<String, Object> limited = options();
            limited.put("watermark-table", marks);
            limited.put("user", user);
            limited.put("password", "pw");
            assertThatThrownBy(() -> setup(limited).setUp())
                    .hasMessageContaining("CREATE TABLE IF NOT EXISTS `test`.`" + marks + "`")
                    .hasMessageContaining("GRANT INSERT, UPDATE ON `test`.`" + marks + "` TO '" + user + "'")
                    .hasMessageContaining("cdc setup");
            assertThat(exists(marks)).isFalse();
        } finally {
            db.execute("DROP USER '" + user + "'@'%'");
        }
    }

    private SourceSetup setup(Map<String, Object> options) {
        MySqlSourceFactory f = new MySqlSourceFactory();
        return (SourceSetup) f.create(TestPluginContext.bind(f, options, target, "source"));
    }

    private boolean exists(String table) throws Exception {
        try (Statement s = db.connection.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'test' AND TABLE_NAME = '"
                        + table + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }
}
