#!/usr/bin/env bash
# scripts/bench-verify.sh - `cdc verify` of a PostgreSQL table against its Elasticsearch index, beside
# the time to simply read both sides (plain JDBC SELECT of every row + a _search scroll of every
# document, read one after the other and at once), same data, same run. Prints the times, CPU time per
# part (this JVM per verify thread, Elasticsearch, PostgreSQL), the load average, medians and the ratios
# (target: verify <= 1.5 x the concurrent plain reads).
# Usage: scripts/bench-verify.sh [rows=1000000] [runs=3] [postgres-jdbc-url] [elasticsearch-url]
# One warm-up run first (printed, not counted: a fresh JVM compiles the code; -Dbench.warmup=0 drops it).
# BENCH_JAVA_OPTS adds JVM options: -Dbench.keep=true keeps the table and index, -Dbench.reuse=NAME
# reuses them (no load), -XX:StartFlightRecording=filename=verify.jfr records a profile.
# Needs PostgreSQL with wal_level=logical and Elasticsearch (scripts/services.sh start).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests >/dev/null 2>&1 || mvn -B -q install -DskipTests
mvn -B -q -o test-compile -pl cdc-launcher 2>/dev/null || mvn -B -q test-compile -pl cdc-launcher
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" -pl cdc-launcher >/dev/null
exec java -Xmx3g ${BENCH_JAVA_OPTS:-} -cp "cdc-launcher/target/test-classes:cdc-launcher/target/classes:$(cat "$CP_FILE")" \
  dev.cdc.launcher.bench.VerifyBenchmark "${3:-jdbc:postgresql://127.0.0.1:5432/test}" \
  "${4:-http://127.0.0.1:9200}" "${1:-1000000}" "${2:-3}"
