/**
 * The {@code redis} sink: rows as hashes or JSON strings guarded by the source position (so replays
 * and late retries never restore an older row or resurrect a deleted one), cache invalidation,
 * and event streams appended at most once per position. Uses Jedis; depends on cdc-api and
 * cdc-format only. See docs/cdc-sink-redis.md.
 */
package dev.cdc.sink.redis;
