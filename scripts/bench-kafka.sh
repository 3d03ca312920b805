#!/usr/bin/env bash
# Benchmarks of the Kafka plugins against Kafka's own perf tools, in the same run, on the shared
# test broker (scripts/services.sh kafka).
#   scripts/bench-kafka.sh sink [events] [payload-bytes] [runs]
#       the kafka sink (write per batch of 1,000 events from memory, no engine) vs
#       org.apache.kafka.tools.ProducerPerformance (kafka-producer-perf-test) with the same record
#       size (the cdc envelope's), acks=all, linger 5 ms, batch.size 256 KiB, lz4, idempotence; for
#       at-least-once and for exactly-once (a transaction per batch; ProducerPerformance with a
#       transactional id committing at the sink's average batch interval). Prints events/s, records/s
#       and the ratios. Defaults: 300000 events, 200 payload bytes, 3 runs.
# The broker class path (kafka-tools included) comes from scripts/kafka-cluster.sh classpath.
# Maven settings such as -Dmaven.repo.local can be passed in MAVEN_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-}
[ -n "$mode" ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
shift
BOOTSTRAP=${CDC_BENCH_KAFKA:-127.0.0.1:9092}
build() {
  mvn -B -q -o install -DskipTests -pl cdc-kafka -am >/dev/null 2>&1 || mvn -B -q install -DskipTests -pl cdc-kafka -am
  mvn -B -q test-compile -pl cdc-kafka
  CP_FILE=$(mktemp)
  trap 'rm -f "$CP_FILE"' EXIT
  mvn -B -q dependency:build-classpath -pl cdc-kafka -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
  CP="cdc-kafka/target/test-classes:cdc-kafka/target/classes:$(cat "$CP_FILE")"
}
case "$mode" in
  sink)
    BROKER_CP=$(scripts/kafka-cluster.sh classpath)
    build
    java -Xmx2g -cp "$CP" dev.cdc.kafka.bench.KafkaSinkBench "$BOOTSTRAP" "$BROKER_CP" "$@" ;;
  *) echo "unknown mode '$mode' (known: sink)" >&2; exit 2 ;;
esac
