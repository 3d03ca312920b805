package dev.cdc.schema.diff;

import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.TypeKind;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class TypeChangesTest {

    /** The representative types: one or more of every logical kind. Rows and columns of {@link #MATRIX}. */
    private static final List<DataType> TYPES = List.of(
            DataType.bool(), DataType.int16(), DataType.int32(), DataType.int64(), DataType.float32(),
            DataType.float64(), DataType.decimal(5, 0), DataType.decimal(10, 2), DataType.decimal(),
            DataType.string(), DataType.bytes(), DataType.date(), DataType.time(3), DataType.time(6),
            DataType.timestamp(3), DataType.timestamp(6), DataType.timestampTz(6), DataType.uuid(), DataType.json(),
            DataType.arrayOf(DataType.int32()), DataType.arrayOf(DataType.int64()), DataType.other("interval"),
            DataType.other("money"));

    /**
     * Row = from, column = to, in {@link #TYPES}' order. S same, W widening, N narrowing, I incompatible.
     * Written by hand from the rules in TypeChanges' Javadoc, not from the code.
     */
    private static final List<String> MATRIX = List.of(
            //           b  i16 i32 i64 f32 f64 d50 d102 dec str byt dat t3 t6 ts3 ts6 tz6 uui jsn ai32 ai64 oA oB
            /* bool  */ "SIIIIIIIIWIIIIIIIIIIIII",
            /* i16   */ "ISWWIIWWWWIIIIIIIIIIIII",
            /* i32   */ "INSWIIIIWWIIIIIIIIIIIII",
            /* i64   */ "INNSIIIIWWIIIIIIIIIIIII",
            /* f32   */ "IIIISWIIIWIIIIIIIIIIIII",
            /* f64   */ "IIIINSIIIWIIIIIIIIIIIII",
            /* d5,0  */ "INIIIISWWWIIIIIIIIIIIII",
            /* d10,2 */ "INIIIINSWWIIIIIIIIIIIII",
            /* dec   */ "INNNIINNSWIIIIIIIIIIIII",
            /* str   */ "NNNNNNNNNSNNNNNNNNNNNNN",
            /* bytes */ "IIIIIIIIIWSIIIIIIIIIIII",
            /* date  */ "IIIIIIIIIWISIIWWIIIIIII",
            /* t3    */ "IIIIIIIIIWIISWIIIIIIIII",
            /* t6    */ "IIIIIIIIIWIINSIIIIIIIII",
            /* ts3   */ "IIIIIIIIIWINIISWIIIIIII",
            /* ts6   */ "IIIIIIIIIWINIINSIIIIIII",
            /* tz6   */ "IIIIIIIIIWIIIIIISIIIIII",
            /* uuid  */ "IIIIIIIIIWIIIIIIISIIIII",
            /* json  */ "IIIIIIIIIWIIIIIIIISIIII",
            /* ai32  */ "IIIIIIIIIWIIIIIIIIISWII",
            /* ai64  */ "IIIIIIIIIWIIIIIIIIINSII",
            /* othA  */ "IIIIIIIIIWIIIIIIIIIIISI",
            /* othB  */ "IIIIIIIIIWIIIIIIIIIIIIS");

    @Test
    void theMatrixCoversEveryLogicalKind() {
        Set<TypeKind> covered = TYPES.stream().map(DataType::kind).collect(Collectors.toCollection(
                () -> EnumSet.noneOf(TypeKind.class)));
        assertThat(covered).containsExactlyInAnyOrder(TypeKind.values());
        assertThat(MATRIX).hasSize(TYPES.size()).allSatisfy(row -> assertThat(row).hasSize(TYPES.size()));
    }

    @TestFactory
    Stream<DynamicTest> everyPairOfLogicalTypes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int from = 0; from < TYPES.size(); from++) {
            for (int to = 0; to < TYPES.size(); to++) {
                DataType a = TYPES.get(from);
                DataType b = TYPES.get(to);
                TypeChange expected = expected(MATRIX.get(from).charAt(to));
                tests.add(DynamicTest.dynamicTest(a.describe() + " -> " + b.describe() + " is " + expected,
                        () -> assertThat(TypeChanges.classify(a, b)).isEqualTo(expected)));
            }
        }
        return tests.stream();
    }

    @Test
    void narrowingIsExactlyTheReverseOfWidening() {
        for (DataType a : TYPES) {
            for (DataType b : TYPES) {
                boolean widening = TypeChanges.classify(a, b) == TypeChange.WIDENING;
                boolean reverseNarrowing = TypeChanges.classify(b, a) == TypeChange.NARROWING;
                assertThat(widening).as(a.describe() + " / " + b.describe()).isEqualTo(reverseNarrowing);
            }
        }
    }

    @ParameterizedTest(name = "{0} -> {1} is {2}")
    @CsvSource(delimiter = ';', value = {
            "int32; decimal(10,0); WIDENING",
            "int32; decimal(12,3); INCOMPATIBLE",
            "int64; decimal(19,0); WIDENING",
            "int64; decimal(20,2); INCOMPATIBLE",
            "int16; decimal(5); WIDENING",
            "decimal(10); decimal(10,0); SAME",
            "decimal(12,2); decimal(12,3); INCOMPATIBLE",
            "decimal(12,2); decimal(13,3); WIDENING",
            "decimal(13,3); decimal(12,2); NARROWING",
            "decimal; decimal(38,10); NARROWING",
            "time; time(9); SAME",
            "time(6); time; WIDENING",
            "timestamp; timestamp(3); NARROWING",
            "timestamp_tz(3); timestamp_tz(6); WIDENING",
            "timestamp(6); timestamp_tz(6); INCOMPATIBLE",
            "timestamp_tz(6); timestamp(6); INCOMPATIBLE",
            "date; timestamp; WIDENING",
            "date; timestamp_tz; INCOMPATIBLE",
            "time(3); timestamp(3); INCOMPATIBLE",
            "int32; float64; INCOMPATIBLE",
            "string; json; NARROWING",
            "json; string; WIDENING",
            "array<int32>; array<string>; WIDENING",
            "array<string>; array<int32>; NARROWING",
            "array<int32>; array<date>; INCOMPATIBLE",
            "array<array<int16>>; array<array<int64>>; WIDENING",
            "array<int32>; string; WIDENING",
            "array<int32>; int32; INCOMPATIBLE",
            "other(interval); other(interval); SAME",
            "other(interval); other(money); INCOMPATIBLE",
            "other(interval); string; WIDENING",
    })
    void namedCases(String from, String to, TypeChange expected) {
        assertThat(TypeChanges.classify(DataType.parse(from), DataType.parse(to))).isEqualTo(expected);
    }

    private static TypeChange expected(char code) {
        return switch (code) {
            case 'S' -> TypeChange.SAME;
            case 'W' -> TypeChange.WIDENING;
            case 'N' -> TypeChange.NARROWING;
            case 'I' -> TypeChange.INCOMPATIBLE;
            default -> throw new IllegalArgumentException("bad matrix code " + code);
        };
    }
}
