#!/usr/bin/env bash
# Backlog benchmark: generator -> two discard sinks, both fast, then one slow (delay-per-batch) so
# that its lane spills to disk. Prints the fast sink's rate alone vs beside the slow neighbour
# (target >= 0.9), the engine's rate spilling vs in memory (target >= 0.7), and disk bytes per event.
#   scripts/bench-backlog.sh [events=2000000] [slow-delay-ms=20] [pairs=3] (alone/beside runs, alternating; medians)
set -euo pipefail
CDC_BENCH_MAIN=dev.cdc.core.bench.BacklogBenchmark exec "$(dirname "${BASH_SOURCE[0]}")/bench-engine.sh" "$@"
