#!/usr/bin/env bash
# Soak: Elasticsearch (behind a TCP proxy; the shared server is never stopped) down for 10 minutes
# mid-stream under a PostgreSQL writer, with Redis beside it and on-failure: dead-letter. Runs
# SinkOutageIT's outage test with a long outage: the pipeline must never exit, Redis must stay within
# 2 s, the slot must never pass what Elasticsearch acknowledged, and afterwards Elasticsearch must
# equal the table with nothing dead-lettered. On a mismatch the failure lists the differing ids
# (table, Redis, Elasticsearch _version and _source), the index mapping and the lanes' status.
#   scripts/soak-sink-outage.sh [outage-seconds=600] [maven args, e.g. -Dcdc.it.redis.bound.ms=5000 on a loaded machine]
# The test runs on this checkout's own build (-am: the reactor's jars, not the local repository's,
# which another build may replace meanwhile), once (it.reruns=0: a failure is not retried away).
# Output: cdc-launcher/target/failsafe-reports/dev.cdc.launcher.SinkOutageIT-output.txt
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/services.sh postgres redis elasticsearch
# failsafe:verify of every module of the reactor reads its last summary, even where -Dit.test matches
# nothing this time: a failure left by an earlier run of another module's ITs would fail this run
rm -f -- */target/failsafe-reports/failsafe-summary.xml
exec mvn -B verify -pl cdc-launcher -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.failIfNoSpecifiedTests=false -Dit.reruns=0 \
  -Dit.test='SinkOutageIT#elasticsearchDown*' -Dcdc.it.outage.seconds="${1:-600}" "${@:2}"
