#!/usr/bin/env bash
# Catch-up throughput of the mysql source against mariadb-binlog --read-from-remote-server.
# Usage: scripts/bench-mysql.sh [inserts]   (default 1000000; updates = inserts/2, deletes = inserts/5)
# Times -Dbench.rounds (default 3) rounds of mariadb-binlog --verbose then the source on the same range: round 1
# is the cold one (a JVM that has not run the source yet), the later ones warm; prints each and the median.
# JAVA_OPTS are passed to the JVM (e.g. -Dbench.rounds=6; -Dbench.warmup=true reads the range once untimed first;
# -XX:StartFlightRecording=filename=/tmp/my.jfr,settings=profile to profile).
# Needs the MariaDB of scripts/services.sh on 127.0.0.1:3306 (root, empty password).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl cdc-api,cdc-testkit -am >/dev/null
mvn -B -q -o test-compile -pl cdc-source-mysql
CP_FILE=$(mktemp)
mvn -B -q -ntp dependency:build-classpath -pl cdc-source-mysql -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=test >/dev/null
CP="cdc-source-mysql/target/test-classes:cdc-source-mysql/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
exec java -Xmx1g ${JAVA_OPTS:-} -cp "$CP" dev.cdc.source.mysql.bench.MySqlCatchUpBench "$@"
