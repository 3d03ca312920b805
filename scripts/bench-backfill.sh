#!/usr/bin/env bash
# Backfill rate of a table under a streaming load vs the initial snapshot rate of the same table,
# same run (target >= 0.8): the postgres source reads a table of N rows once by its initial snapshot
# (snapshot-mode initial-only) and once by a backfill (chunks between pg_logical_emit_message
# watermarks) while a writer updates random rows of it, both into a counting context.
# Usage: scripts/bench-backfill.sh [rows] [backfill-chunk-size]   (defaults 1000000 4096)
# Needs the PostgreSQL of scripts/services.sh on 127.0.0.1:5432 (wal_level=logical, trust auth, 14+).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl cdc-api,cdc-format,cdc-schema,cdc-testkit,cdc-jdbc-snapshot -am >/dev/null
mvn -B -q -o test-compile -pl cdc-source-postgres
CP_FILE=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl cdc-source-postgres -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="cdc-source-postgres/target/test-classes:cdc-source-postgres/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
# shellcheck disable=SC2086
exec java -Xmx1g ${JAVA_OPTS:-} -cp "$CP" dev.cdc.source.postgres.bench.PostgresBackfillBench "$@"
