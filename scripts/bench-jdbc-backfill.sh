#!/usr/bin/env bash
# jdbc-trigger's backfill rate under a small streaming load vs its initial snapshot rate of the same
# table, same run (the issue's target for the log-based sources: >= 0.8): the source reads a table of
# N rows once by its initial snapshot (snapshot-mode initial-only) and once by a backfill (chunks
# between watermark rows of its change log) while a writer updates random rows at a fixed rate,
# both into a counting context.
# Usage: scripts/bench-jdbc-backfill.sh [rows] [backfill-chunk-size] [updates/s] [postgresql|mariadb]
#        (defaults 1000000 4096 200 postgresql). JAVA_OPTS adds JVM flags.
# Needs the PostgreSQL / MariaDB of scripts/services.sh on 127.0.0.1 (trust auth / root without password).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp ${CDC_MVN_OPTS:-} install -DskipTests -pl cdc-source-jdbc -am >/dev/null
mvn -B -q -ntp ${CDC_MVN_OPTS:-} test-compile -pl cdc-source-jdbc
CP_FILE=$(mktemp)
mvn -B -q -ntp ${CDC_MVN_OPTS:-} dependency:build-classpath -pl cdc-source-jdbc -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="cdc-source-jdbc/target/test-classes:cdc-source-jdbc/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
# shellcheck disable=SC2086
exec java -Xmx1g ${JAVA_OPTS:-} -cp "$CP" dev.cdc.source.jdbc.bench.JdbcBackfillBench "$@"
