package dev.cdc.source.mysql.binlog;

import com.github.shyiko.mysql.binlog.event.TableMapEventData;
import com.github.shyiko.mysql.binlog.event.TableMapEventMetadata;
import dev.cdc.api.event.TableId;
import dev.cdc.source.mysql.schema.ColumnInfo;
import dev.cdc.source.mysql.schema.MySqlTable;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TableMapShapesTest {

    private static final TableId T = TableId.of("test", "myddl_unit");

    /**
     * id INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(10) utf8mb4, data BLOB, amount DECIMAL(6,2),
     * at DATETIME(3), e ENUM('x','y'), flags BIT(10).
     */
    private static TableMapEventData map(boolean full) {
        TableMapEventData m = new TableMapEventData();
        m.setDatabase("test");
        m.setTable("myddl_unit");
        m.setColumnTypes(new byte[]{3, 15, (byte) 252, (byte) 246, 18, (byte) 254, 16});
        m.setColumnMetadata(new int[]{0, 40, 2, 6 | 2 << 8, 3, 247 << 8 | 1, 1 << 8 | 2});
        BitSet nulls = new BitSet();
        nulls.set(1, 7);
        m.setColumnNullability(nulls);
        if (full) {
            TableMapEventMetadata md = new TableMapEventMetadata();
            md.setColumnNames(List.of("id", "name", "data", "amount", "at", "e", "flags"));
            BitSet signedness = new BitSet();
            signedness.set(0);
            md.setSignedness(signedness);
            md.setColumnCharsets(List.of(45, 63));
            md.setEnumStrValues(List.<String[]>of(new String[]{"x", "y"}));
            md.setSimplePrimaryKeys(List.of(0));
            m.setEventMetadata(md);
        }
        return m;
    }

    private static ColumnInfo col(String name, String dataType, String columnType, String charset, boolean nullable,
                                  int precision, int scale) {
        return new ColumnInfo(name, dataType, columnType, Optional.ofNullable(charset), nullable, Optional.empty(),
                precision, scale, false);
    }

    /** The same table as information_schema describes it. */
    private static MySqlTable server() {
        return new MySqlTable(T, List.of(col("id", "int", "int(10) unsigned", null, false, 10, 0),
                col("name", "varchar", "varchar(10)", "utf8mb4", true, -1, -1),
                col("data", "blob", "blob", null, true, -1, -1),
                new ColumnInfo("amount", "decimal", "decimal(6,2)", Optional.empty(), true, Optional.of("1.50"), 6, 2,
                        false),
                col("at", "datetime", "datetime(3)", null, true, -1, 3),
                col("e", "enum", "enum('x','y')", "utf8mb4", true, -1, -1),
                col("flags", "bit", "bit(10)", null, true, 10, -1)), List.of("id"));
    }

    @Test
    void aFullMapAloneGivesNamesTypesSignednessLengthsNullabilityLabelsAndKey() {
        MySqlTable t = TableMapShapes.shape(T, map(true), List.of());
        assertThat(t.columns()).extracting(ColumnInfo::columnType).containsExactly("int unsigned", "varchar(10)",
                "blob", "decimal(6,2)", "datetime(3)", "enum('x','y')", "bit(10)");
        assertThat(t.columns()).extracting(ColumnInfo::nullable).containsExactly(false, true, true, true, true, true,
                true);
        assertThat(t.column("name").orElseThrow().charset()).hasValue("utf8mb4");
        assertThat(t.column("amount").orElseThrow().precision()).isEqualTo(6);
        assertThat(t.column("amount").orElseThrow().scale()).isEqualTo(2);
        assertThat(t.column("at").orElseThrow().scale()).isEqualTo(3);
        assertThat(t.column("e").orElseThrow().labels()).containsExactly("x", "y");
        assertThat(t.primaryKey()).containsExactly("id");
        assertThat(TableMapShapes.mismatch(t, map(true))).as("a shape agrees with its own map").isEmpty();
    }

    @Test
    void aServerDefinitionThatAgreesWithEveryFactIsKeptWithItsDetails() {
        assertThat(TableMapShapes.mismatch(server(), map(true))).isEmpty();
        MySqlTable t = TableMapShapes.shape(T, map(true), List.of(server()));
        assertThat(t).isEqualTo(server());
        assertThat(t.column("amount").orElseThrow().defaultValue()).hasValue("1.50");
    }

    @Test
    void aServerDefinitionOfALaterTimeIsRejectedAndOnlyItsAgreeingColumnsLendDetails() {
        // what the server says after a later DDL: name widened to varchar(20), amount dropped, a new column
        List<ColumnInfo> later = new java.util.ArrayList<>(server().columns());
        later.set(1, col("name", "varchar", "varchar(20)", "utf8mb4", true, -1, -1));
        later.remove(3);
        later.add(col("extra", "int", "int(11)", null, true, 10, 0));
        MySqlTable newer = new MySqlTable(T, later, List.of("id"));
        assertThat(TableMapShapes.mismatch(newer, map(true))).hasValueSatisfying(m -> assertThat(m).contains("name"));

        MySqlTable t = TableMapShapes.shape(T, map(true), List.of(newer));
        assertThat(t.columns()).extracting(ColumnInfo::name).containsExactly("id", "name", "data", "amount", "at", "e",
                "flags");
        assertThat(t.column("id").orElseThrow().columnType()).as("agrees: server's text").isEqualTo("int(10) unsigned");
        assertThat(t.column("name").orElseThrow().columnType()).as("length disproved").isEqualTo("varchar(10)");
        assertThat(t.column("amount").orElseThrow().defaultValue()).as("not on the server any more").isEmpty();
    }

    @Test
    void eachFactTheMapProvesIsChecked() {
        MySqlTable s = server();
        assertThat(TableMapShapes.mismatch(with(s, 0, col("id", "int", "int(11)", null, false, 10, 0)), map(true)))
                .hasValueSatisfying(m -> assertThat(m).contains("signedness"));
        assertThat(TableMapShapes.mismatch(with(s, 1, col("name", "varchar", "varchar(10)", "utf8mb4", false, -1, -1)),
                map(true))).hasValueSatisfying(m -> assertThat(m).contains("nullability"));
        assertThat(TableMapShapes.mismatch(with(s, 1, col("title", "varchar", "varchar(10)", "utf8mb4", true, -1, -1)),
                map(true))).hasValueSatisfying(m -> assertThat(m).contains("name"));
        assertThat(TableMapShapes.mismatch(with(s, 2, col("data", "text", "text", "utf8mb4", true, -1, -1)),
                map(true))).hasValueSatisfying(m -> assertThat(m).contains("text vs binary"));
        assertThat(TableMapShapes.mismatch(with(s, 3, col("amount", "decimal", "decimal(8,2)", null, true, 8, 2)),
                map(true))).hasValueSatisfying(m -> assertThat(m).contains("precision"));
        assertThat(TableMapShapes.mismatch(with(s, 4, col("at", "datetime", "datetime(6)", null, true, -1, 6)),
                map(true))).hasValueSatisfying(m -> assertThat(m).contains("fractional"));
        assertThat(TableMapShapes.mismatch(with(s, 5, col("e", "enum", "enum('x','y','z')", "utf8mb4", true, -1, -1)),
                map(true))).hasValueSatisfying(m -> assertThat(m).contains("labels"));
        assertThat(TableMapShapes.mismatch(with(s, 6, col("flags", "bit", "bit(9)", null, true, 9, -1)), map(true)))
                .hasValueSatisfying(m -> assertThat(m).contains("width"));
        assertThat(TableMapShapes.mismatch(with(s, 0, col("id", "bigint", "bigint(20) unsigned", null, false, 19, 0)),
                map(true))).hasValueSatisfying(m -> assertThat(m).contains("type"));
        assertThat(TableMapShapes.mismatch(new MySqlTable(T, s.columns(), List.of()), map(true)))
                .hasValueSatisfying(m -> assertThat(m).contains("primary key"));
    }

    @Test
    void withoutNamesOnlyCountTypesAndNullabilityAreChecked() {
        TableMapEventData minimal = map(false);
        assertThat(TableMapShapes.hasNames(minimal)).isFalse();
        assertThat(TableMapShapes.mismatch(with(server(), 1, col("title", "varchar", "varchar(99)", "utf8mb4", true,
                -1, -1)), minimal)).as("a renamed column cannot be seen").isEmpty();
        assertThat(TableMapShapes.mismatch(with(server(), 0, col("id", "bigint", "bigint", null, false, 19, 0)),
                minimal)).hasValueSatisfying(m -> assertThat(m).contains("type"));
        MySqlTable shorter = new MySqlTable(T, server().columns().subList(0, 6), List.of("id"));
        assertThat(TableMapShapes.mismatch(shorter, minimal)).hasValueSatisfying(m -> assertThat(m)
                .contains("the binlog has 7 columns").contains("the definition 6"));
    }

    @Test
    void charsetsOfCommonCollations() {
        assertThat(TableMapShapes.charsetOf(45)).hasValue("utf8mb4");
        assertThat(TableMapShapes.charsetOf(255)).hasValue("utf8mb4");
        assertThat(TableMapShapes.charsetOf(33)).hasValue("utf8mb3");
        assertThat(TableMapShapes.charsetOf(8)).hasValue("latin1");
        assertThat(TableMapShapes.charsetOf(63)).hasValue("binary");
        assertThat(TableMapShapes.charsetOf(1)).isEmpty();
    }

    private static MySqlTable with(MySqlTable t, int i, ColumnInfo c) {
        List<ColumnInfo> cols = new java.util.ArrayList<>(t.columns());
        cols.set(i, c);
        return new MySqlTable(t.id(), cols, t.primaryKey());
    }
}
