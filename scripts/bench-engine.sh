#!/usr/bin/env bash
# Engine overhead benchmark: generator -> engine -> discard sink(s) vs the generator alone, same run.
#   scripts/bench-engine.sh [events=2000000] [sinks=1]
# CDC_BENCH_MAIN runs another benchmark class of cdc-core's tests with the same classpath
# (scripts/bench-backlog.sh does); CDC_BENCH_JAVA_OPTS adds JVM options (e.g. -Dbench.fast-backlog=off).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests install -pl cdc-core -am >/dev/null
cp_file="$(mktemp)"
mvn -B -q dependency:build-classpath -pl cdc-core -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
exec java -Xmx1g ${CDC_BENCH_JAVA_OPTS:-} -cp "cdc-core/target/test-classes:cdc-core/target/classes:$(cat "$cp_file")" \
  "${CDC_BENCH_MAIN:-dev.cdc.core.bench.EngineBenchmark}" "$@"
