package dev.cdc.sink.elasticsearch;

/** Where a document lives: its index (or alias) and its id. */
record DocRef(String index, String id) {
}
