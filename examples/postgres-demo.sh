#!/usr/bin/env bash
# One command: PostgreSQL -> file with a snapshot and live changes.
#   examples/postgres-demo.sh            (from the repository root; as root on a test machine)
# 1. makes the local PostgreSQL ready (wal_level=logical) with scripts/services.sh,
# 2. creates demo.orders with 200,000 rows (dropping an earlier demo's table, slot and state),
# 3. runs examples/postgres-demo.yaml for 25 s while a writer inserts, updates and deletes rows:
#    the snapshot's progress and the pipeline's status are printed every 2 s,
# 4. stops it with SIGTERM (drain + final checkpoint) and sums up out/postgres-demo.jsonl.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/services.sh postgres
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d test "$@"; }
psql_ -c "SELECT pg_drop_replication_slot('cdc_postgres_demo') FROM pg_replication_slots WHERE slot_name = 'cdc_postgres_demo'" >/dev/null
psql_ <<'SQL'
DROP PUBLICATION IF EXISTS cdc_postgres_demo;
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;
CREATE TABLE demo.orders (id bigint PRIMARY KEY, customer text NOT NULL, status text NOT NULL,
                          total numeric(12,2) NOT NULL, created timestamptz NOT NULL DEFAULT now());
INSERT INTO demo.orders SELECT g, 'customer-' || (g % 997), 'new', (g % 10000) / 100.0, now()
  FROM generate_series(1, 200000) g;
SQL
rm -rf state/postgres-demo out/postgres-demo.jsonl
echo "demo.orders: 200,000 rows; starting the pipeline (25 s) and a writer"
(
  sleep 3
  for i in $(seq 1 20); do
    psql_ -c "INSERT INTO demo.orders VALUES (200000 + $i, 'live', 'new', $i, now());
              UPDATE demo.orders SET status = 'paid' WHERE id = $i;
              DELETE FROM demo.orders WHERE id = 100000 + $i;" >/dev/null
    sleep 1
  done
) &
writer=$!
rc=0
timeout -s TERM 25 bin/cdc run examples/postgres-demo.yaml --status-interval 2s >/dev/null || rc=$?
wait "$writer" || true
# 124 is timeout's "stopped by SIGTERM": cdc drained and saved its checkpoint.
if [ "$rc" != 0 ] && [ "$rc" != 124 ]; then echo "cdc exited with $rc"; exit "$rc"; fi
echo
echo "out/postgres-demo.jsonl:"
grep -o '"op":"[a-z]*"' out/postgres-demo.jsonl | sort | uniq -c
echo "last event:"
tail -1 out/postgres-demo.jsonl
echo
echo "state/postgres-demo/checkpoint.json: $(cat state/postgres-demo/checkpoint.json)"
