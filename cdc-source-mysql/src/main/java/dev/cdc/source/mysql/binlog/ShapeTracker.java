package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.TableId;
import dev.cdc.source.mysql.schema.MySqlTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides, at each TABLE_MAP of a captured table, whether the table's shape changed from the
 * schema history's version in effect, and what the new version is. The design (see the docs'
 * schema tracking section):
 * <ul>
 *   <li>Under {@code binlog_row_metadata=FULL} a CREATE / ALTER is not turned into a version at
 *   the DDL: the definition the server has when the source reaches it may already hold later
 *   DDLs. The DDL is deferred ({@link #defer}) and the next table map of the table, which shows
 *   the table exactly as its rows were written, decides: a new version (built by
 *   {@link TableMapShapes#shape}) when it differs from the one in effect, with the server's
 *   definition read at the DDL only where it agrees with the map.</li>
 *   <li>Without names in the map (MINIMAL / NO_LOG) the history's version in effect (read at the
 *   DDL, as before) is checked against the map's column count, types and nullability; a mismatch
 *   is a {@link CdcException} naming the table, the position and the fix, never mis-named
 *   columns.</li>
 * </ul>
 * Used from the source thread only.
 */
final class ShapeTracker {

    /** A CREATE / ALTER waiting for the table's next table map. */
    record Deferred(List<String> ddl, Optional<MySqlTable> serverDefinition) {
    }

    private final BinlogReader.TableLookup lookup;
    private final Map<TableId, TableMapEventData> lastMaps = new HashMap<>();
    private final Map<TableId, Deferred> deferred = new HashMap<>();
    /** Whether the last table map seen had column names; assumed until one says otherwise (a wrong guess only defers). */
    private boolean fullMetadata = true;

    ShapeTracker(BinlogReader.TableLookup lookup) {
        this.lookup = lookup;
    }

    /** Whether the server wrote the last table map seen with FULL row metadata. */
    boolean fullMetadata() {
        return fullMetadata;
    }

    /** Notes a table map of any table (the server's row metadata setting). */
    void seen(TableMapEventData map) {
        fullMetadata = TableMapShapes.hasNames(map);
    }

    /** Whether the table's map must be checked: it differs from the last one seen, or a DDL happened since. */
    boolean needsCheck(TableId table, TableMapEventData map) {
        TableMapEventData last = lastMaps.put(table, map);
        return last == null || deferred.containsKey(table) || !sameMap(last, map);
    }

    /** A DDL of the table was read: its next table map is checked again. */
    void forget(TableId table) {
        lastMaps.remove(table);
    }

    /** A CREATE / ALTER under FULL metadata: its version is decided at the table's next table map. */
    void defer(TableId table, String ddl, Optional<MySqlTable> serverDefinition) {
        Deferred d = deferred.get(table);
        List<String> statements = new ArrayList<>(d == null ? List.of() : d.ddl());
        statements.add(ddl);
        deferred.put(table, new Deferred(List.copyOf(statements), serverDefinition));
        forget(table);
    }

    /** The statements deferred for the table, in binlog order (empty when none), and forgets them. */
    List<String> takeDdl(TableId table) {
        Deferred d = deferred.remove(table);
        return d == null ? List.of() : d.ddl();
    }

    /**
     * The new version a table map proves, or empty when the version in effect still describes it.
     *
     * @param inEffect the history's version just before the map's position
     * @param where    the position, for the error message
     * @throws CdcException without names in the map, when no definition fits its columns
     */
    Optional<MySqlTable> changed(TableId table, TableMapEventData map, Optional<MySqlTable> inEffect, String where)
            throws Exception {
        Optional<MySqlTable> server = Optional.ofNullable(deferred.get(table)).flatMap(Deferred::serverDefinition);
        if (TableMapShapes.hasNames(map)) {
            if (inEffect.isPresent() && TableMapShapes.mismatch(inEffect.get(), map).isEmpty()) {
                deferred.remove(table);
                return Optional.empty();
            }
            List<MySqlTable> hints = new ArrayList<>();
            server.ifPresent(hints::add);
            inEffect.ifPresent(hints::add);
            if (hints.isEmpty()) {
                lookup.read(table).ifPresent(hints::add); // first seen: the server's details, where they agree
            }
            return Optional.of(TableMapShapes.shape(table, map, hints));
        }
        Optional<MySqlTable> next = deferred.containsKey(table) ? server : inEffect.isEmpty() ? lookup.read(table) : inEffect;
        MySqlTable check = next.orElseThrow(() -> minimal(table, map, where, "no definition of the table is known"));
        TableMapShapes.mismatch(check, map).ifPresent(m -> {
            throw minimal(table, map, where, m);
        });
        if (next.equals(inEffect)) {
            deferred.remove(table);
            return Optional.empty();
        }
        return next;
    }

    private static CdcException minimal(TableId table, TableMapEventData map, String where, String problem) {
        return new CdcException("rows of " + table + " at binlog position " + where + " do not fit the schema history: "
                + problem + ". The server wrote them without column names (binlog_row_metadata MINIMAL or NO_LOG), so"
                + " the source names their columns from the definition it read when it reached the table's last DDL,"
                + " which is of a later time when the source was behind several DDLs. Decoding them would mis-name"
                + " the columns, so the source stops. Fix: set binlog_row_metadata=FULL on the server (SET GLOBAL"
                + " binlog_row_metadata = 'FULL' and in its config) so row events carry their own shape, and"
                + " re-snapshot past these events (remove the checkpoint and the state directory's"
                + " schema-history.txt, with snapshot-mode initial). Found in the binlog: "
                + TableMapShapes.describe(TableMapShapes.columns(map)));
    }

    private static boolean sameMap(TableMapEventData a, TableMapEventData b) {
        return Arrays.equals(a.getColumnTypes(), b.getColumnTypes())
                && Arrays.equals(a.getColumnMetadata(), b.getColumnMetadata())
                && Objects.equals(a.getColumnNullability(), b.getColumnNullability())
                && Objects.equals(String.valueOf(a.getEventMetadata()), String.valueOf(b.getEventMetadata()));
    }
}
