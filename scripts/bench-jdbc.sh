#!/usr/bin/env bash
# The JDBC sources' benchmarks on the PostgreSQL of scripts/services.sh, each against the raw tool in
# the same run: pgbench TPS and WAL bytes per transaction without vs with jdbc-trigger's triggers
# (target >= 0.6), and catch-up of jdbc-trigger and jdbc-query vs a plain JDBC keyset SELECT of the
# same rows (target >= 0.8).
# Usage: scripts/bench-jdbc.sh [pgbench scale] [pgbench seconds] [pgbench clients] [query rows]
#        (defaults 10 30 8 500000). JAVA_OPTS adds JVM flags.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pgbench >/dev/null || { echo "bench-jdbc: pgbench (PostgreSQL's client tools) is needed" >&2; exit 3; }
mvn -B -q -ntp install -DskipTests -pl cdc-source-jdbc -am >/dev/null
mvn -B -q -ntp test-compile -pl cdc-source-jdbc
CP_FILE=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl cdc-source-jdbc -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="cdc-source-jdbc/target/test-classes:cdc-source-jdbc/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
# shellcheck disable=SC2086
exec java -Xmx1g ${JAVA_OPTS:-} -cp "$CP" dev.cdc.source.jdbc.bench.JdbcBench "$@"
