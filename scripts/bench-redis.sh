#!/usr/bin/env bash
# Benchmark of the redis sink (mode hash, order guard on): events/s for 1,000,000 upserts fed from
# memory straight into the sink (write + flush per batch of 1,000, no engine, one connection), beside
# three redis-benchmark ceilings over the same single connection, in the same run, each with the Redis
# CPU it cost per command: (a1) -t hset (one field, one key: the issue's comparison), (a2) HSET of a
# whole bench row at random keys (same work per row, no guard), (b) EVALSHA of a minimal per-row guard
# script (HGET + compare + HSET). Repeated [runs] times; prints median [min-max] and the ratios.
#   scripts/bench-redis.sh [events] [keys] [batch] [redis-uri] [redis-benchmark pipeline] [runs]
# Needs Redis on 127.0.0.1:6379 (scripts/services.sh redis) and redis-benchmark (package redis-tools).
# Maven settings such as -Dmaven.repo.local can be passed in MAVEN_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-benchmark >/dev/null || { echo "redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }
mvn -B -q -o install -DskipTests -pl cdc-api,cdc-format,cdc-testkit,cdc-plugins,cdc-core -am >/dev/null 2>&1 \
  || mvn -B -q install -DskipTests -pl cdc-api,cdc-format,cdc-testkit,cdc-plugins,cdc-core -am
mvn -B -q test-compile -pl cdc-sink-redis
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -q dependency:build-classpath -pl cdc-sink-redis -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
exec java -Xmx2g -cp "cdc-sink-redis/target/test-classes:cdc-sink-redis/target/classes:$(cat "$CP_FILE")" \
  dev.cdc.sink.redis.bench.RedisHashSinkBench "$@"
