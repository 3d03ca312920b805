#!/usr/bin/env bash
# Benchmark of the kafka source: events/s of the kafka source -> discard (a counting context: every
# record parsed into a ChangeEvent with exact values and its position) beside Kafka's own
# kafka-consumer-perf-test (ConsumerPerformance, read_committed) on the same topic of cdc envelopes,
# and a plain KafkaConsumer of the source's settings that parses each value with Jackson's readTree,
# in the same run; prints all three and both ratios, repeated [runs] times.
#   scripts/bench-kafka-source.sh [events=1000000] [partitions=3] [runs=3]
# Needs the broker of scripts/services.sh kafka (its class path under $CDC_SERVICES_DIR holds the tools).
# Maven settings such as -Dmaven.repo.local can be passed in MAVEN_OPTS; JVM options of the bench (e.g.
# -Ddecode.threads=1, the source's decode-threads) in BENCH_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
libs=${CDC_SERVICES_DIR:-/var/lib/cdc-test}/kafka-4.1.1-libs
[ -d "$libs" ] || { echo "no Kafka class path in $libs: run scripts/services.sh kafka first" >&2; exit 1; }
mvn -B -q install -DskipTests -pl cdc-kafka -am >/dev/null
mvn -B -q test-compile -pl cdc-kafka
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -q dependency:build-classpath -pl cdc-kafka -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
exec java -Xmx1g ${BENCH_JAVA_OPTS:-} -Dkafka.libs="$libs" -cp "cdc-kafka/target/test-classes:cdc-kafka/target/classes:$(cat "$CP_FILE")" \
  dev.cdc.kafka.bench.KafkaSourceBench "$@"
