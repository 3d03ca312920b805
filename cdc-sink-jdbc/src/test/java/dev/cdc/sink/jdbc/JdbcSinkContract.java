package dev.cdc.sink.jdbc;

import dev.cdc.api.event.TableId;
import dev.cdc.api.spi.SinkFactory;
import dev.cdc.testkit.fixture.TestTarget;
import dev.cdc.testkit.sink.SinkCapability;
import dev.cdc.testkit.sink.SinkContract;
import dev.cdc.testkit.sink.SinkView;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static dev.cdc.testkit.sink.SinkCapability.*;

/** The sink conformance suite against one target database; tables are named after the test's target. */
abstract class JdbcSinkContract extends SinkContract {

    abstract JdbcTarget database(TestTarget target);

    @Override
    protected SinkFactory factory() {
        return new JdbcSinkFactory();
    }

    @Override
    protected Map<String, Object> options(TestTarget target) {
        return database(target).options(target.name());
    }

    @Override
    protected Set<SinkCapability> capabilities() {
        return EnumSet.of(STATE, DELETES, UNCHANGED_COLUMNS, ORDER_GUARD, TRUNCATE, SCHEMA_CHANGES, COMPOSITE_KEYS);
    }

    @Override
    protected SinkView view(TestTarget target) {
        JdbcTarget db = database(target);
        return (SinkView.State) (TableId table) -> db.rows(target.name(table.name()));
    }

    @Override
    protected void cleanUp(TestTarget target) throws Exception {
        database(target).dropTables(target.name("orders"), target.name("customers"), target.name("order_lines"),
                target.name("tomb"));
    }
}
