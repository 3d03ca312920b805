#!/usr/bin/env bash
# The one-command quickstart (run it from the repository root): an embedded H2 database with a
# small writer, captured by the jdbc-trigger source into the console and out/quickstart.jsonl.
#
#   examples/quickstart.sh
#
# 1. creates out/quickstart-db (H2, file-based; AUTO_SERVER lets the writer share it) with demo.orders;
# 2. runs `cdc run examples/quickstart.yaml` (the source creates its change log and trigger, reads
#    the 3 existing rows, then follows the change log);
# 3. once the source is capturing, the writer (H2's RunScript, bundled in cdc.jar) makes 20 changes;
# 4. the pipeline stops 3 s after the last change (stop-when-idle) and exits 0.
# CDC_JAR runs that jar instead of bin/cdc (the tests do).
set -euo pipefail

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${CDC_JAR:-}" ]; then
  jar="$CDC_JAR"
  cdc() { java ${CDC_JAVA_OPTS:-} -jar "$jar" "$@"; }
else
  jar="$root/cdc-launcher/target/cdc.jar"
  cdc() { "$root/bin/cdc" "$@"; }
  cdc --version >/dev/null # builds the jar on first use
fi
url='jdbc:h2:./out/quickstart-db;AUTO_SERVER=TRUE;DATABASE_TO_LOWER=TRUE'
mkdir -p out
java -cp "$jar" org.h2.tools.RunScript -url "$url" -user sa -script "$root/examples/quickstart-db.sql"

log="out/quickstart.log"
: > "$log"
cdc run --status-interval 0 "$root/examples/quickstart.yaml" 2> >(tee "$log" >&2) &
pid=$!
for _ in $(seq 1 300); do
  grep -q "capturing 1 table" "$log" && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  java -cp "$jar" org.h2.tools.RunScript -url "$url" -user sa -script "$root/examples/quickstart-writer.sql"
fi
wait "$pid"
