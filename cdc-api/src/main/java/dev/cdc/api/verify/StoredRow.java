package dev.cdc.api.verify;

import java.util.Objects;
import java.util.Optional;

/**
 * What a sink holds under one id, in the sink's canonical form (the same form
 * {@link SinkReader#expected} gives for a source row, so equal rows give equal text).
 *
 * @param id        the sink's id of the row (document id, Redis key)
 * @param canonical the stored row in the sink's stored form, the form {@link SinkReader#expected}
 *                  gives (for a search index: the document text as the sink sends it; for a cache:
 *                  a JSON object with its fields sorted), the sink's own bookkeeping fields removed
 * @param version   the sink's record of the source position it holds (an external version, a
 *                  sort key), when it keeps one: a re-check sees whether the row moved meanwhile
 */
public record StoredRow(String id, String canonical, Optional<String> version) {

    public StoredRow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(canonical, "canonical");
        Objects.requireNonNull(version, "version");
    }
}
