package dev.cdc.api.event;

/**
 * The value of a column that the source did not send because it did not change (PostgreSQL
 * TOAST columns in an UPDATE, for example). It is not SQL NULL: a sink must keep the value it
 * already holds. Test with {@link Row#isUnchanged(String)} or {@code value == Unchanged.VALUE}.
 */
public enum Unchanged {
    VALUE;

    @Override
    public String toString() {
        return "<unchanged>";
    }
}
