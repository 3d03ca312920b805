package dev.cdc.source.mysql.schema;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ColumnRenamesTest {

    static Stream<Arguments> statements() {
        return Stream.of(
                Arguments.of("ALTER TABLE t RENAME COLUMN a TO b", map("a", "b")),
                Arguments.of("alter table db.t rename column a to b", map("a", "b")),
                Arguments.of("ALTER TABLE `db`.`t` RENAME COLUMN `a` TO `b`", map("a", "b")),
                Arguments.of("ALTER TABLE t RENAME COLUMN IF EXISTS a TO b", map("a", "b")),
                Arguments.of("ALTER TABLE t CHANGE a b BIGINT", map("a", "b")),
                Arguments.of("ALTER TABLE t CHANGE COLUMN a b VARCHAR(10) NOT NULL DEFAULT 'x'", map("a", "b")),
                Arguments.of("ALTER TABLE t CHANGE COLUMN IF EXISTS a b INT", map("a", "b")),
                Arguments.of("ALTER ONLINE IGNORE TABLE IF EXISTS t CHANGE a b INT", map("a", "b")),
                Arguments.of("ALTER TABLE t WAIT 5 RENAME COLUMN a TO b", map("a", "b")),
                Arguments.of("ALTER TABLE t NOWAIT CHANGE a b INT", map("a", "b")),
                Arguments.of("ALTER TABLE t CHANGE a a BIGINT", map()),
                Arguments.of("ALTER TABLE t CHANGE a A BIGINT", map()),
                Arguments.of("ALTER TABLE t MODIFY a BIGINT", map()),
                Arguments.of("ALTER TABLE t RENAME TO u", map()),
                Arguments.of("ALTER TABLE t RENAME INDEX i TO j", map()),
                Arguments.of("ALTER TABLE t RENAME KEY i TO j, RENAME COLUMN x TO y", map("x", "y")),
                Arguments.of("ALTER TABLE t ADD COLUMN c INT, RENAME COLUMN a TO b, CHANGE d e DECIMAL(10,2), DROP f",
                        map("a", "b", "d", "e")),
                Arguments.of("ALTER TABLE t ADD COLUMN c ENUM('x,y', 'RENAME COLUMN p TO q'), RENAME COLUMN a TO b",
                        map("a", "b")),
                Arguments.of("ALTER TABLE t CHANGE a b INT COMMENT 'it''s, CHANGE c d', DROP g", map("a", "b")),
                Arguments.of("ALTER TABLE t CHANGE a b INT COMMENT \"x\\\", CHANGE c d\"", map("a", "b")),
                Arguments.of("ALTER TABLE t RENAME COLUMN `my col` TO `your, col`", map("my col", "your, col")),
                Arguments.of("ALTER TABLE t RENAME COLUMN `back``tick` TO `to`", map("back`tick", "to")),
                Arguments.of("ALTER TABLE t RENAME COLUMN `/*x*/` TO `--y`", map("/*x*/", "--y")),
                Arguments.of("ALTER TABLE t /* RENAME COLUMN p TO q, */ RENAME COLUMN a TO b", map("a", "b")),
                Arguments.of("ALTER TABLE t RENAME COLUMN a -- , RENAME COLUMN p TO q\n TO b", map("a", "b")),
                Arguments.of("# leading\nALTER TABLE t RENAME COLUMN a TO b", map("a", "b")),
                Arguments.of("/*!80000 ALTER TABLE t RENAME COLUMN a TO b */", map("a", "b")),
                Arguments.of("ALTER TABLE t /*M!100500 RENAME COLUMN a TO b */", map("a", "b")),
                Arguments.of("ALTER TABLE t RENAME COLUMN a TO b, RENAME COLUMN b TO a", map("a", "b", "b", "a")),
                Arguments.of("ALTER TABLE t CHANGE `ünï` `cödé` INT", map("ünï", "cödé")),
                Arguments.of("CREATE INDEX i ON t (a)", map()),
                Arguments.of("RENAME TABLE t TO u", map()),
                Arguments.of("ALTER TABLE t CHANGE", map()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statements")
    void readsTheRenamesOfOneStatement(String sql, Map<String, String> renames) {
        assertThat(ColumnRenames.of(sql)).containsExactlyEntriesOf(renames);
        assertThat(ColumnRenames.chained(List.of(sql))).as("a single statement's chain")
                .isEqualTo(renames);
    }

    @Test
    void renamesOfSeveralStatementsChainInOrder() {
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t RENAME COLUMN a TO b",
                "ALTER TABLE t CHANGE b c INT"))).containsExactlyEntriesOf(map("a", "c"));
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t RENAME COLUMN a TO b",
                "ALTER TABLE t RENAME COLUMN B TO a"))).as("back to its name, case-insensitively").isEmpty();
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t RENAME COLUMN a TO b",
                "ALTER TABLE t RENAME COLUMN x TO a"))).containsExactlyEntriesOf(map("a", "b", "x", "a"));
    }

    @Test
    void aColumnAddedAfterTheFirstStatementIsNotTakenForTheOldOne() {
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t RENAME COLUMN a TO b",
                "ALTER TABLE t ADD COLUMN a INT", "ALTER TABLE t RENAME COLUMN a TO c")))
                .containsExactlyEntriesOf(map("a", "b"));
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t DROP COLUMN a", "ALTER TABLE t ADD a INT",
                "ALTER TABLE t RENAME COLUMN a TO c"))).isEmpty();
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t RENAME COLUMN a TO b", "ALTER TABLE t DROP b")))
                .isEmpty();
    }

    @Test
    void clausesOfOneStatementTakeEffectTogether() {
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t DROP COLUMN b, CHANGE a b INT")))
                .containsExactlyEntriesOf(map("a", "b"));
    }

    @Test
    void aRecreatedTableHasNoRenames() {
        assertThat(ColumnRenames.chained(List.of("ALTER TABLE t RENAME COLUMN a TO b",
                "CREATE OR REPLACE TABLE t (b INT)"))).isEmpty();
        assertThat(ColumnRenames.chained(List.of("CREATE TABLE t (a INT)", "ALTER TABLE t RENAME COLUMN a TO b")))
                .isEmpty();
    }

    private static Map<String, String> map(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }
}
