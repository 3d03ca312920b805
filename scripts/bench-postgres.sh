#!/usr/bin/env bash
# Catch-up throughput of the postgres source against pg_recvlogical (pgoutput, same workload, same run).
# Usage: scripts/bench-postgres.sh [inserts]   (default 1000000; updates = inserts/2, deletes = inserts/5)
# Needs the PostgreSQL of scripts/services.sh on 127.0.0.1:5432 (wal_level=logical, trust auth).
# JAVA_OPTS adds JVM flags, e.g. JAVA_OPTS='-XX:StartFlightRecording=duration=60s,filename=/tmp/pg.jfr'.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl cdc-api,cdc-format,cdc-schema,cdc-testkit -am >/dev/null
mvn -B -q -o test-compile -pl cdc-source-postgres
CP_FILE=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl cdc-source-postgres -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="cdc-source-postgres/target/test-classes:cdc-source-postgres/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
# shellcheck disable=SC2086
exec java -Xmx1g ${JAVA_OPTS:-} -cp "$CP" dev.cdc.source.postgres.bench.PostgresCatchUpBench "$@"
