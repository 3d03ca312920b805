#!/usr/bin/env bash
# Issue 11's "PostgreSQL restarted three times, 6 minutes apart, under a writer, with default
# settings": the PostgreSQL source survives each restart without a manual step and loses nothing.
# Runs ServerRestartIT's three-restart case on a private PostgreSQL (initdb + pg_ctl under
# cdc-source-postgres/target/, a free port; the shared server is never touched) with the source's
# default settings (reconnect-timeout 5 min) and the restarts MINUTES apart (default 6): about
# 3 x MINUTES minutes. Prints the test's summary line; exits non-zero when anything was lost, the
# slot ran past the checkpoint, or the source gave up.
# Usage: scripts/soak-pg-restarts.sh [minutes-apart]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-6}"
seconds=$((minutes * 60))
mvn -B -q -ntp install -DskipTests -pl cdc-source-postgres -am >/dev/null
mvn -B -ntp verify -pl cdc-source-postgres -Dtest=NoSuchTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='ServerRestartIT#threeRestartsFurtherApartThanTheReconnectTimeoutAreEachSurvived' \
  -Dcdc.soak.pg.apart="PT${seconds}S" | grep -E 'Tests run:|FAIL|ERROR' || true
report=cdc-source-postgres/target/failsafe-reports/dev.cdc.source.postgres.ServerRestartIT-output.txt
grep -h 'ServerRestartIT 3x' "$report" 2>/dev/null || true
grep -q 'Tests run: 1, Failures: 0, Errors: 0' \
  cdc-source-postgres/target/failsafe-reports/dev.cdc.source.postgres.ServerRestartIT.txt
