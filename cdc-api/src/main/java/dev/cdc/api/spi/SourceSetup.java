package dev.cdc.api.spi;

import java.util.List;

/**
 * An optional ability of a {@link Source}: the database objects it needs besides the captured
 * tables (a change-log table, triggers), which {@code cdc setup} prints for a DBA, creates or
 * drops. A source that has it implements this interface as well; the launcher calls these
 * methods on a source that was created but not opened, from one thread, then closes it.
 */
public interface SourceSetup {

    /**
     * The statements that create (or, for objects already there, replace) what the source
     * needs, in order, for a DBA to review and run. May connect to read the catalog; changes nothing.
     */
    List<String> setupStatements() throws Exception;

    /** The statements that remove everything {@link #setupStatements} creates. Changes nothing. */
    List<String> dropStatements() throws Exception;

    /** Runs {@link #setupStatements}; fails with a message naming the missing privilege when the user lacks one. */
    void setUp() throws Exception;

    /** Runs {@link #dropStatements}: afterwards no trigger, function or table of the source is left. */
    void drop() throws Exception;

    /**
     * Runs a DDL statement on a captured table together with whatever the source's objects need
     * for the table's new shape (jdbc-trigger on MariaDB: triggers that list the new columns, under
     * one table lock, so no write to the table fails or goes uncaptured in between). A source whose
     * objects follow a table's columns by themselves just runs it.
     *
     * @throws UnsupportedOperationException when the source cannot do so (the default)
     */
    default void alter(String ddl) throws Exception {
        throw new UnsupportedOperationException("this source cannot run DDL with its setup; run it directly");
    }
}
