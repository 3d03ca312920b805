package dev.cdc.testkit.source;

import dev.cdc.api.event.TableId;

import java.math.BigDecimal;

/**
 * Makes changes in the database a source under test reads, each in its own committed
 * transaction, so commit order is call order. Tables have the columns {@code id} (bigint,
 * primary key), {@code name} (text) and {@code amount} (decimal(12,2), nullable). Called from
 * the test thread only.
 */
@SuppressWarnings("try")
public interface SourceDriver extends AutoCloseable {

    /** The namespace tables are created in: the PostgreSQL schema ({@code public}) or MySQL database ({@code test}). */
    String namespace();

    /** Creates the table (dropping a leftover of the same name first). */
    void createTable(TableId table) throws Exception;

    void insert(TableId table, long id, String name, BigDecimal amount) throws Exception;

    /** Sets {@code name} and {@code amount} of the row with this id. */
    void update(TableId table, long id, String name, BigDecimal amount) throws Exception;

    void delete(TableId table, long id) throws Exception;

    /** Drops the table; called after every test for each table the test created. */
    void dropTable(TableId table) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
