package dev.cdc.jdbc.snapshot;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Keyset chunks on a real (embedded H2) database: bounds, composite keys in both syntaxes, a WHERE. */
class ChunkReaderTest {

    private Connection h2;

    @BeforeEach
    void createTable() throws Exception {
        h2 = DriverManager.getConnection("jdbc:h2:mem:chunks;DB_CLOSE_DELAY=-1");
        try (Statement st = h2.createStatement()) {
            st.execute("DROP TABLE IF EXISTS T");
            st.execute("CREATE TABLE T (A BIGINT, B VARCHAR(10), V VARCHAR(10), PRIMARY KEY (A, B))");
            for (int a = 1; a <= 3; a++) {
                for (String b : List.of("x", "y", "z")) {
                    st.execute("INSERT INTO T VALUES (" + a + ", '" + b + "', '" + a + b + "')");
                }
            }
        }
    }

    @AfterEach
    void close() throws Exception {
        h2.close();
    }

    @Test
    void theTwoSyntaxesOfACompositeKeyReadTheSameChunks() throws Exception {
        for (KeysetTable.Syntax syntax : List.of(KeysetTable.Syntax.LIMIT, KeysetTable.Syntax.STANDARD)) {
            KeysetTable t = H2Tables.table("T", List.of("A", "B"), syntax);
            assertThat(values(t, new KeyRange(Optional.of(new String[] {"1", "y"}), Optional.empty()), 4))
                    .as("%s", syntax).containsExactly("1z", "2x", "2y", "2z");
            assertThat(values(t, new KeyRange(Optional.of(new String[] {"1", "y"}), Optional.of(new String[] {"3", "x"})),
                    100)).as("%s", syntax).containsExactly("1z", "2x", "2y", "2z", "3x");
        }
        assertThat(ChunkReader.sql(H2Tables.table("T", List.of("A", "B"), KeysetTable.Syntax.STANDARD), true, false,
                Optional.empty(), 5)).isEqualTo("SELECT A, B, V FROM PUBLIC.T WHERE ((A > ?) OR (A = ? AND B > ?))"
                + " ORDER BY A, B FETCH FIRST 5 ROWS ONLY");
    }

    @Test
    void aWhereNarrowsTheRange() throws Exception {
        KeysetTable t = H2Tables.table("T", List.of("A", "B"), KeysetTable.Syntax.LIMIT);
        assertThat(values(t, KeyRange.ALL, 100, Optional.of("B <> 'y'"))).containsExactly("1x", "1z", "2x", "2z", "3x",
                "3z");
    }

    @Test
    void aTableWithoutAKeyIsReadInOnePass() throws Exception {
        KeysetTable t = H2Tables.table("T", List.of(), KeysetTable.Syntax.LIMIT);
        assertThat(values(t, KeyRange.after(new String[] {"2", "x"}), 2)).hasSize(9);
    }

    private List<String> values(KeysetTable t, KeyRange range, int limit) throws Exception {
        return values(t, range, limit, Optional.empty());
    }

    private List<String> values(KeysetTable t, KeyRange range, int limit, Optional<String> where) throws Exception {
        List<String> out = new ArrayList<>();
        ChunkReader.read(h2, t, range, where, limit, r -> out.add((String) r.row().get("V")));
        return out;
    }
}
