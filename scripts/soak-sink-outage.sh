#!/usr/bin/env bash
# Soak: Elasticsearch (behind a TCP proxy) down for 10 minutes mid-stream under a PostgreSQL writer,
# with Redis beside it and on-failure: dead-letter. Runs SinkOutageIT with a long outage: the
# pipeline must never exit, Redis must stay within 2 s, the slot must never pass what Elasticsearch
# acknowledged, and afterwards Elasticsearch must equal the table with nothing dead-lettered.
#   scripts/soak-sink-outage.sh [outage-seconds=600]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/services.sh postgres redis elasticsearch
mvn -B -q -DskipTests install -pl cdc-launcher -am >/dev/null
exec mvn -B verify -pl cdc-launcher -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=SinkOutageIT \
  -Dcdc.it.outage.seconds="${1:-600}"
