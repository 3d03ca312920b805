#!/usr/bin/env bash
# scripts/bench-elasticsearch.sh - documents/s of the elasticsearch sink beside a raw _bulk loader
# (same documents, bulk size, requests in flight and index settings, in the same run).
# Usage: scripts/bench-elasticsearch.sh [url] [documents] [bulk-size] [in-flight]
# Needs Elasticsearch on the URL (default http://127.0.0.1:9200; scripts/services.sh elasticsearch).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o install -DskipTests -pl cdc-api,cdc-format,cdc-schema,cdc-testkit,cdc-plugins,cdc-core -am >/dev/null 2>&1 \
  || mvn -B -q install -DskipTests -pl cdc-api,cdc-format,cdc-schema,cdc-testkit,cdc-plugins,cdc-core -am
mvn -B -q -o test-compile -pl cdc-sink-elasticsearch 2>/dev/null || mvn -B -q test-compile -pl cdc-sink-elasticsearch
CP_FILE=$(mktemp)
trap 'rm -f "$CP_FILE"' EXIT
mvn -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" -pl cdc-sink-elasticsearch >/dev/null
exec java -Xmx1g -cp "cdc-sink-elasticsearch/target/test-classes:cdc-sink-elasticsearch/target/classes:$(cat "$CP_FILE")" \
  dev.cdc.sink.elasticsearch.bench.BulkBenchmark "${1:-http://127.0.0.1:9200}" "${2:-200000}" "${3:-1000}" "${4:-2}"
