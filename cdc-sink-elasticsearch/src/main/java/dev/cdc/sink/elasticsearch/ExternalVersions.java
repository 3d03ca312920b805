package dev.cdc.sink.elasticsearch;

import dev.cdc.api.error.CdcException;
import dev.cdc.api.event.ChangeEvent;
import dev.cdc.api.event.Operation;
import dev.cdc.api.event.Position;

/**
 * Maps a {@link Position#sortKey()} (fixed-width, zero-padded hexadecimal) to the 63-bit external
 * version Elasticsearch compares, keeping the order of sort keys of one source.
 *
 * <ul>
 *   <li>Up to 16 hex digits: the number itself; it must be below 2^63.</li>
 *   <li>Longer (e.g. PostgreSQL: 16 digits of commit LSN + 8 of event index): the first 16 digits
 *   are the high part H, the rest the low part L, and the version is {@code H << bits | L} with
 *   {@code bits} = {@code version-low-bits}; H must be below 2^(63-bits) and L below 2^bits.</li>
 * </ul>
 * A snapshot row ({@link #ofSnapshotRow}) keeps only the high part, {@code H << bits}: sources lay
 * out a snapshot event's key as the log point the snapshot was taken at (the first 16 digits)
 * followed by a sequence that only orders the snapshot's rows among themselves. A snapshot reads
 * each row once, and every later change of it has a greater high part, so the sequence is not
 * needed and a snapshot of any size fits.
 *
 * <p>A key outside these limits cannot be ordered correctly: it is rejected (not retriable) with a
 * message that says which limit it broke, instead of being written with a wrong version.
 * Characters other than hex digits are rejected the same way. Thread-safe; immutable.
 */
final class ExternalVersions {

    private final int lowBits;

    ExternalVersions(int lowBits) {
        if (lowBits < 0 || lowBits > 31) {
            throw new IllegalArgumentException("lowBits must be in 0..31 but was " + lowBits);
        }
        this.lowBits = lowBits;
    }

    /** The version of an event: {@link #ofSnapshotRow} for a snapshot row (READ), else {@link #of(String)}. */
    long of(ChangeEvent event) {
        return event.operation() == Operation.READ ? ofSnapshotRow(event.position().sortKey())
                : of(event.position().sortKey());
    }

    /** The version of a snapshot row (READ): the high part only, see the class comment. */
    long ofSnapshotRow(String sortKey) {
        if (sortKey.length() <= 16) {
            return of(sortKey);
        }
        return of(sortKey.substring(0, 16) + "0".repeat(sortKey.length() - 16));
    }

    long of(String sortKey) {
        if (sortKey.isEmpty()) {
            throw new CdcException("the event has an empty sort key; the elasticsearch sink needs one to order"
                    + " writes (external versions); the source must set Position.sortKey");
        }
        if (sortKey.length() <= 16) {
            long v = parse(sortKey, sortKey);
            if (v < 0) {
                throw new CdcException("sort key '" + sortKey + "' is 2^63 or more; external versions must be below 2^63");
            }
            return v;
        }
        long high = parse(sortKey.substring(0, 16), sortKey);
        String rest = sortKey.substring(16);
        if (rest.length() > 16) {
            throw new CdcException("sort key '" + sortKey + "' has " + sortKey.length()
                    + " hex digits; the elasticsearch sink maps at most 32 to an external version");
        }
        long low = parse(rest, sortKey);
        if (high < 0 || (lowBits < 63 && (high >>> (63 - lowBits)) != 0)) {
            throw new CdcException("sort key '" + sortKey + "': its first 16 hex digits (" + Long.toUnsignedString(high)
                    + ") do not fit in " + (63 - lowBits) + " bits; lower the sink option version-low-bits (now "
                    + lowBits + ")");
        }
        if (low < 0 || (low >>> lowBits) != 0) {
            throw new CdcException("sort key '" + sortKey + "': its digits after the 16th (" + Long.toUnsignedString(low)
                    + ") do not fit in " + lowBits + " bits; raise the sink option version-low-bits (now " + lowBits
                    + ")");
        }
        return (high << lowBits) | low;
    }

    private static long parse(String hex, String whole) {
        long v = 0;
        for (int i = 0; i < hex.length(); i++) {
            int d = Character.digit(hex.charAt(i), 16);
            if (d < 0) {
                throw new CdcException("sort key '" + whole + "' is not hexadecimal; the elasticsearch sink maps"
                        + " hexadecimal sort keys to external versions");
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
