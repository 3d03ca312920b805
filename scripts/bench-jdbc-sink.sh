#!/usr/bin/env bash
# Benchmark of the jdbc sink: events/s for upserts fed from memory straight into the sink (write + flush
# per batch, one transaction each, no engine, one connection), beside a raw JDBC multi-row upsert
# (INSERT ... ON CONFLICT DO UPDATE / ON DUPLICATE KEY UPDATE) of the same rows with the same batch size
# and rows per statement, in the same run, for PostgreSQL and MariaDB. Raw and sink alternate [runs]
# times each; prints each run, the medians and the ratio sink/raw.
#   scripts/bench-jdbc-sink.sh [postgresql|mariadb|both] [events] [keys] [batch] [rows-per-statement] [runs]
# Needs PostgreSQL and MariaDB on 127.0.0.1 (scripts/services.sh); CDC_TEST_POSTGRES_URL / _USER / _PASSWORD
# and CDC_TEST_MARIADB_URL / _USER / _PASSWORD point elsewhere. Maven settings such as -Dmaven.repo.local
# can be passed in MAVEN_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl cdc-sink-jdbc -am >/dev/null 2>&1 \
  || mvn -B -q install -DskipTests -pl cdc-sink-jdbc -am
mvn -B -q test-compile -pl cdc-sink-jdbc
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -q dependency:build-classpath -pl cdc-sink-jdbc -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
exec java -Xmx1g -cp "cdc-sink-jdbc/target/test-classes:cdc-sink-jdbc/target/classes:$(cat "$CP_FILE")" \
  dev.cdc.sink.jdbc.bench.JdbcSinkBench "$@"
