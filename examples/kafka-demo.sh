#!/usr/bin/env bash
# One command: capture once, consume twice. PostgreSQL -> kafka sink -> Kafka topic ->
# (kafka source -> Elasticsearch) and (kafka source -> Redis), three `cdc run`s as three machines
# would run them.
#   examples/kafka-demo.sh            (from the repository root; as root on a test machine)
# 1. starts PostgreSQL, Elasticsearch, Redis and the Kafka broker with scripts/services.sh;
# 2. creates demo.orders with 10,000 rows (dropping an earlier demo's table, slot, topics and state);
# 3. runs examples/kafka-capture.yaml, examples/kafka-to-search.yaml and examples/kafka-to-cache.yaml
#    while a writer inserts, updates and deletes rows for 10 s, stopping the cache consumer for 3 s
#    on the way (it catches up from its group's offsets);
# 4. waits until Elasticsearch and Redis hold as many rows as the table, stops the three with
#    SIGTERM (drain + final checkpoint) and prints the counts.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/services.sh postgres elasticsearch redis kafka
bin/cdc --version >/dev/null # builds the jar on first use
jar=cdc-launcher/target/cdc.jar
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d test "$@"; }
psql_ -c "SELECT pg_drop_replication_slot('cdc_kafka_demo') FROM pg_replication_slots WHERE slot_name = 'cdc_kafka_demo'" >/dev/null
psql_ <<'SQL'
DROP PUBLICATION IF EXISTS cdc_kafka_demo;
DROP SCHEMA IF EXISTS demo CASCADE;
CREATE SCHEMA demo;
CREATE TABLE demo.orders (id bigint PRIMARY KEY, customer text NOT NULL, status text NOT NULL,
                          total numeric(12,2) NOT NULL, created timestamptz NOT NULL DEFAULT now());
INSERT INTO demo.orders SELECT g, 'customer-' || (g % 997), 'new', (g % 10000) / 100.0, now()
  FROM generate_series(1, 10000) g;
SQL
curl -s -X DELETE "http://127.0.0.1:9200/kafka-demo-orders*" >/dev/null || true
redis-cli --scan --pattern 'kafka-demo:*' | xargs -r redis-cli unlink >/dev/null || true
# the topics and the groups of an earlier run (kafka-tools is on the broker's class path)
libs=${CDC_SERVICES_DIR:-/var/lib/cdc-test}/kafka-4.1.1-libs
java -cp "$libs/*" org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --delete \
  --topic 'kafka-demo\..*' >/dev/null 2>&1 || true
for g in kafka-demo-search kafka-demo-cache; do
  java -cp "$libs/*" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server 127.0.0.1:9092 \
    --delete --group "$g" >/dev/null 2>&1 || true
done
rm -rf state/kafka-demo
mkdir -p out
# start NAME: runs examples/NAME.yaml in the background; its process id in $pid
start() { java -jar "$jar" run --status-interval 0 "examples/$1.yaml" >"out/$1.out" 2>"out/$1.log" & pid=$!; }
start kafka-capture; capture=$pid
start kafka-to-search; search=$pid
start kafka-to-cache; cache=$pid
echo "demo.orders: 10,000 rows; capture pipeline $capture, consumers $search (Elasticsearch) and $cache (Redis)"
for i in $(seq 1 20); do
  psql_ -c "INSERT INTO demo.orders VALUES (10000 + $i, 'live', 'new', $i, now());
            UPDATE demo.orders SET status = 'paid', total = total + 1 WHERE id = $i;
            DELETE FROM demo.orders WHERE id = 5000 + $i;" >/dev/null
  if [ "$i" = 6 ]; then kill -TERM "$cache" 2>/dev/null || true; wait "$cache" || true; echo "cache consumer stopped"; fi
  if [ "$i" = 12 ]; then start kafka-to-cache; cache=$pid; echo "cache consumer started again ($cache)"; fi
  sleep 0.5
done
rows=$(psql_ -At -c "SELECT count(*) FROM demo.orders")
es_count() { curl -s -X POST "http://127.0.0.1:9200/kafka-demo-orders/_refresh" >/dev/null;
             curl -s "http://127.0.0.1:9200/kafka-demo-orders/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'; }
redis_count() { redis-cli --scan --pattern 'kafka-demo:demo.orders:*' | wc -l; }
for _ in $(seq 1 120); do
  [ "$(es_count)" = "$rows" ] && [ "$(redis_count)" = "$rows" ] && break
  sleep 1
done
kill -TERM "$capture" "$search" "$cache" 2>/dev/null || true
wait "$capture" "$search" "$cache" || true
echo "demo.orders: $rows rows; Elasticsearch kafka-demo-orders: $(es_count) documents; Redis: $(redis_count) hashes"
echo "paid in the table: $(psql_ -At -c "SELECT count(*) FROM demo.orders WHERE status = 'paid'"),"\
     "in Redis: $(redis-cli --scan --pattern 'kafka-demo:demo.orders:*' | xargs -r -n 500 sh -c 'for k; do redis-cli hget "$k" status; done' _ | grep -c paid)"
[ "$(es_count)" = "$rows" ] && [ "$(redis_count)" = "$rows" ]
