#!/usr/bin/env bash
# Backlog benchmark: generator -> two discard sinks, both fast, then one slow (delay-per-batch) so
# that its lane spills to disk. Prints the fast sink's rate alone vs beside the slow neighbour
# (target >= 0.9), the engine's rate spilling vs in memory (target >= 0.7), and disk bytes per event.
#   scripts/bench-backlog.sh [events=2000000] [slow-delay-ms=20]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn -B -q -DskipTests install -pl cdc-core -am >/dev/null
cp_file="$(mktemp)"
mvn -B -q dependency:build-classpath -pl cdc-core -Dmdep.includeScope=test -Dmdep.outputFile="$cp_file" >/dev/null
exec java -Xmx1g -cp "cdc-core/target/test-classes:cdc-core/target/classes:$(cat "$cp_file")" \
  dev.cdc.core.bench.BacklogBenchmark "$@"
