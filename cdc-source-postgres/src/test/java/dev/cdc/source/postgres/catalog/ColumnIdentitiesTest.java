package dev.cdc.source.postgres.catalog;

import dev.cdc.api.event.TableId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attnums of a Relation message's columns follow only when every history that fits what the log
 * and the catalog show gives the same answer; the catalog may be ahead of the log.
 */
class ColumnIdentitiesTest {

    private static final int OID = 16400;

    /** The catalog now: live columns {@code "name:attnum"} (a trailing {@code g} marks a generated one), dropped attnums. */
    private static Optional<CatalogTable> catalog(List<String> live, Integer... dropped) {
        List<CatalogColumn> columns = new ArrayList<>();
        for (String c : live) {
            String[] p = c.split(":");
            boolean generated = p[1].endsWith("g");
            int attnum = Integer.parseInt(p[1].replace("g", ""));
            columns.add(new CatalogColumn(p[0], 23, -1, false, "integer", Optional.empty(), attnum, generated));
        }
        return Optional.of(new CatalogTable(TableId.of("public", "t"), OID, columns, List.of(), 'd', -1,
                List.of(dropped), false));
    }

    @Test
    void aTableThatNeverLostAColumnIsIdentifiedByPosition() {
        ColumnIdentities ids = new ColumnIdentities();
        assertThat(ids.identify(OID, 2, catalog(List.of("a:1", "b:2")))).contains(List.of(1, 2));
    }

    @Test
    void renamedTwiceBeforeTheReaderGetsThereStillTheSameAttnum() {
        ColumnIdentities ids = new ColumnIdentities();
        // log: (id, a) then (id, b); the catalog already says (id, c)
        assertThat(ids.identify(OID, 2, catalog(List.of("id:1", "c:2")))).contains(List.of(1, 2));
        assertThat(ids.identify(OID, 2, catalog(List.of("id:1", "c:2")))).contains(List.of(1, 2));
    }

    @Test
    void columnsAddedAfterTheLogsPositionAreNotTakenForItsColumns() {
        ColumnIdentities ids = new ColumnIdentities();
        assertThat(ids.identify(OID, 2, catalog(List.of("id:1", "a:2")))).contains(List.of(1, 2));
        // the message has the 2 columns known; 2 added since (now in the catalog): none of them yet
        assertThat(ids.identify(OID, 2, catalog(List.of("id:1", "a:2", "x:3", "y:4")))).contains(List.of(1, 2));
        // all of them
        assertThat(ids.identify(OID, 4, catalog(List.of("id:1", "a:2", "x:3", "y:4")))).contains(List.of(1, 2, 3, 4));
    }

    @Test
    void someOfTheAddedColumnsAreTheFirstOnesAdded() {
        ColumnIdentities ids = new ColumnIdentities();
        ids.identify(OID, 2, catalog(List.of("id:1", "a:2")));
        assertThat(ids.identify(OID, 3, catalog(List.of("id:1", "a:2", "x:3", "y:4")))).contains(List.of(1, 2, 3));
        assertThat(ids.identify(OID, 4, catalog(List.of("id:1", "a:2", "x:3", "y:4")))).contains(List.of(1, 2, 3, 4));
    }

    @Test
    void aPublicationColumnListIsUnknown() {
        ColumnIdentities ids = new ColumnIdentities();
        Optional<CatalogTable> listed = catalog(List.of("id:1", "a:2"))
                .map(t -> new CatalogTable(t.table(), OID, t.columns(), List.of(), 'd', -1, List.of(), true));
        assertThat(ids.identify(OID, 2, listed)).isEmpty();
    }

    @Test
    void withADroppedColumnOnlyWhatFollowsFromTheKnownColumnsIsKnown() {
        ColumnIdentities ids = new ColumnIdentities();
        // a table that once lost a column: nothing known from nothing
        assertThat(ids.identify(OID, 2, catalog(List.of("id:1", "b:3"), 2))).isEmpty();

        ColumnIdentities known = new ColumnIdentities();
        known.identify(OID, 3, catalog(List.of("id:1", "a:2", "b:3")));
        // a dropped since: the message without it, or with it (the drop not reached yet)
        assertThat(known.identify(OID, 3, catalog(List.of("id:1", "b:3"), 2))).contains(List.of(1, 2, 3));
        assertThat(known.identify(OID, 2, catalog(List.of("id:1", "b:3"), 2))).contains(List.of(1, 3));
        // and after that, a rename of b is still known
        assertThat(known.identify(OID, 2, catalog(List.of("id:1", "c:3"), 2))).contains(List.of(1, 3));
    }

    @Test
    void dropsAndAddsSinceTheKnownColumnsAreUnknown() {
        ColumnIdentities ids = new ColumnIdentities();
        ids.identify(OID, 3, catalog(List.of("id:1", "a:2", "b:3")));
        // the history could be: a dropped and x added before the message, or after it and b renamed x
        assertThat(ids.identify(OID, 3, catalog(List.of("id:1", "b:3", "x:4"), 2))).isEmpty();
        // and after that, nothing is known any more until the table's columns follow from nothing
        assertThat(ids.identify(OID, 3, catalog(List.of("id:1", "b:3", "x:4"), 2))).isEmpty();
    }

    @Test
    void aColumnAddedAndDroppedSinceIsUnknown() {
        ColumnIdentities ids = new ColumnIdentities();
        ids.identify(OID, 2, catalog(List.of("id:1", "a:2")));
        assertThat(ids.identify(OID, 2, catalog(List.of("id:1", "a:2"), 3))).isEmpty();
    }

    @Test
    void generatedColumnsAnotherTableOrNoTableAreUnknown() {
        ColumnIdentities ids = new ColumnIdentities();
        assertThat(ids.identify(OID, 1, catalog(List.of("id:1", "g:2g")))).isEmpty();
        assertThat(ids.identify(OID, 2, Optional.empty())).isEmpty();
        Optional<CatalogTable> other = catalog(List.of("id:1", "a:2"))
                .map(t -> new CatalogTable(t.table(), OID + 1, t.columns(), List.of(), 'd', -1, List.of(), false));
        assertThat(ids.identify(OID, 2, other)).isEmpty();
    }

    @Test
    void aWrongColumnCountIsUnknown() {
        ColumnIdentities ids = new ColumnIdentities();
        assertThat(ids.identify(OID, 3, catalog(List.of("id:1", "a:2")))).isEmpty();
        // fewer: the columns added later were not there yet
        assertThat(ids.identify(OID, 1, catalog(List.of("id:1", "a:2")))).contains(List.of(1));
    }
}
