#!/usr/bin/env bash
# Backfill rate of the mysql source under a streaming load (a writer updating random rows) against the initial
# snapshot rate of the same table in the same run (issue 15's target: ratio >= 0.8).
# Usage: scripts/bench-mysql-backfill.sh [rows]   (default 1000000). JAVA_OPTS are passed to the JVM.
# Needs the MariaDB of scripts/services.sh on 127.0.0.1:3306 (root, empty password).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl cdc-api,cdc-testkit,cdc-jdbc-snapshot -am >/dev/null
mvn -B -q -o test-compile -pl cdc-source-mysql
CP_FILE=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl cdc-source-mysql -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="cdc-source-mysql/target/test-classes:cdc-source-mysql/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
exec java -Xmx1g ${JAVA_OPTS:-} -cp "$CP" dev.cdc.source.mysql.bench.MySqlBackfillBench "$@"
