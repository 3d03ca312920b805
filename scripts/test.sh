#!/usr/bin/env bash
# The one test command: makes the real servers ready (scripts/services.sh), then builds and runs
# every unit test (*Test, surefire) and integration test (*IT, failsafe) of every module.
#   scripts/test.sh                 everything
#   scripts/test.sh -pl cdc-core    extra arguments go to Maven
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/services.sh"
exec mvn -B -ntp verify "$@"
