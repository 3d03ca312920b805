package dev.cdc.plugins.transform;

import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Row;
import dev.cdc.api.event.SchemaChangeEvent;
import dev.cdc.api.event.TableId;
import dev.cdc.api.event.Unchanged;
import dev.cdc.api.schema.Column;
import dev.cdc.api.schema.DataType;
import dev.cdc.api.schema.SchemaChange;
import dev.cdc.api.schema.TableSchema;
import dev.cdc.api.spi.Transformer;
import dev.cdc.plugins.filter.ColumnPattern;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Locale;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Replaces the values of the selected columns in before and after rows (and in the key, when
 * asked) with a fixed text or a salted SHA-256 hash. SQL NULL stays NULL; {@link Unchanged}
 * stays unchanged. In schema changes the masked columns become nullable-as-before strings
 * without a default, and type or default changes of masked columns are removed; a rename
 * between a masked and an unmasked name gets the type change that goes with it.
 * Immutable apart from caches; thread-safe.
 */
public final class MaskColumnsTransformer implements Transformer {

    /** How a value is masked. */
    public enum Mode {
        /** Every value becomes the replacement text. */
        FIXED,
        /** Every value becomes the hex SHA-256 of salt + value. */
        HASH
    }

    private final ColumnSelection selection;
    private final Mode mode;
    private final String replacement;
    private final byte[] salt;
    private final boolean includeKey;

    public MaskColumnsTransformer(List<ColumnPattern> columns, Mode mode, String replacement, String salt,
                                  boolean includeKey) {
        this.selection = new ColumnSelection(columns);
        this.mode = Objects.requireNonNull(mode, "mode");
        this.replacement = Objects.requireNonNull(replacement, "replacement");
        this.salt = salt.getBytes(StandardCharsets.UTF_8);
        this.includeKey = includeKey;
    }

    @Override
    public Optional<ChangeEvent> apply(ChangeEvent event) {
        TableId table = event.table();
        Set<String> masked = includeKey
                ? selection.selected(table, event.before(), event.after(), Optional.of(event.key()))
                : selection.selected(table, event.before(), event.after());
        if (masked.isEmpty()) {
            return Optional.of(event);
        }
        ChangeEvent out = event.withRows(event.before().map(r -> mask(r, masked)), event.after().map(r -> mask(r, masked)));
        return Optional.of(includeKey ? out.withKey(mask(event.key(), masked)) : out);
    }

    private Row mask(Row row, Set<String> masked) {
        return row.map((column, value) -> masked.contains(column) ? maskValue(value) : value);
    }

    /** The masked form of one value: null and {@link Unchanged#VALUE} are kept as they are. */
    Object maskValue(Object value) {
        if (value == null || value == Unchanged.VALUE) {
            return value;
        }
        if (mode == Mode.FIXED) {
            return replacement;
        }
        MessageDigest digest = sha256();
        digest.update(salt);
        digest.update(bytesOf(value));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] bytesOf(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        String text = value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public Optional<SchemaChangeEvent> applySchemaChange(SchemaChangeEvent change) {
        return Optional.of(SchemaRewriter.rewrite(change, this::maskSchema, c -> rewrite(change, c)));
    }

    private TableSchema maskSchema(TableSchema schema) {
        boolean any = false;
        List<Column> columns = new ArrayList<>(schema.columns().size());
        for (Column c : schema.columns()) {
            boolean m = selection.matches(schema.table(), c.name());
            any |= m;
            columns.add(m ? maskedColumn(c) : c);
        }
        return any ? new TableSchema(schema.table(), columns, schema.primaryKey()) : schema;
    }

    private static Column maskedColumn(Column c) {
        return new Column(c.name(), DataType.string(), c.nullable(), Optional.empty(), Optional.empty());
    }

    private List<SchemaChange> rewrite(SchemaChangeEvent event, SchemaChange change) {
        TableId table = event.table();
        if (change instanceof SchemaChange.CreateTable create) {
            return List.of(new SchemaChange.CreateTable(maskSchema(create.schema())));
        }
        if (change instanceof SchemaChange.AddColumn add) {
            return selection.matches(table, add.column().name())
                    ? List.of(new SchemaChange.AddColumn(maskedColumn(add.column()), add.after()))
                    : List.of(add);
        }
        if (change instanceof SchemaChange.AlterColumnType || change instanceof SchemaChange.AlterColumnDefault) {
            String column = SchemaRewriter.alteredColumn(change).orElseThrow();
            return selection.matches(table, column) ? List.of() : List.of(change);
        }
        if (change instanceof SchemaChange.RenameColumn rename) {
            boolean from = selection.matches(table, rename.from());
            boolean to = selection.matches(table, rename.to());
            Optional<DataType> type = event.after().flatMap(s -> s.column(rename.to())).map(Column::type)
                    .or(() -> event.before().flatMap(s -> s.column(rename.from())).map(Column::type));
            if (from == to || type.isEmpty()) {
                return List.of(rename);
            }
            DataType real = type.get();
            return List.of(rename, to
                    ? new SchemaChange.AlterColumnType(rename.to(), real, DataType.string())
                    : new SchemaChange.AlterColumnType(rename.to(), DataType.string(), real));
        }
        return List.of(change);
    }

    @Override
    public String toString() {
        return "mask-columns " + selection + " (" + mode.name().toLowerCase(Locale.ROOT) + ")";
    }
}
