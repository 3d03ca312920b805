#!/usr/bin/env bash
# scripts/kafka-cluster.sh - a private Apache Kafka KRaft cluster for tests that must kill, stop or
# reconfigure brokers (failover, a broker without topic auto-creation, ...). Never touches the
# shared broker of scripts/services.sh. Every node is a combined broker+controller.
#
# Usage:
#   scripts/kafka-cluster.sh start DIR BASE_PORT NODES [key=value...]
#        node i (1..NODES) listens on 127.0.0.1:BASE_PORT+2(i-1) (PLAINTEXT) and the next port
#        (controller); key=value lines override the broker settings. Prints the bootstrap servers.
#        With 3 or more nodes the internal topics get replication factor 3 and min.insync.replicas 2.
#   scripts/kafka-cluster.sh stop DIR               stop every node (clean shutdown)
#   scripts/kafka-cluster.sh kill-node DIR N        kill -9 node N
#   scripts/kafka-cluster.sh start-node DIR N       start node N again (after kill-node)
#   scripts/kafka-cluster.sh classpath              print the broker class path (installs it first)
# Environment: CDC_SERVICES_DIR (where the jars are kept, default /var/lib/cdc-test),
#   CDC_KAFKA_VERSION (4.1.1), CDC_KAFKA_HEAP (heap per node, default 384m),
#   CDC_SERVICES_TIMEOUT (seconds to wait for readiness, default 120).
set -euo pipefail
CDC_SERVICES_DIR=${CDC_SERVICES_DIR:-/var/lib/cdc-test}
KAFKA_VERSION=${CDC_KAFKA_VERSION:-4.1.1}
KAFKA_HEAP=${CDC_KAFKA_HEAP:-384m}
KAFKA_LIBS=$CDC_SERVICES_DIR/kafka-$KAFKA_VERSION-libs
TIMEOUT=${CDC_SERVICES_TIMEOUT:-120}
# shellcheck source=kafka/broker-lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kafka/broker-lib.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
node_port() { echo $(( $(cat "$1/base-port") + 2 * ($2 - 1) )); }

start_node() {
  local dir=$1 n=$2
  kafka_start "$dir/node-$n" "$KAFKA_HEAP"
}

cmd=${1:-}; [ -n "$cmd" ] || usage; shift
case "$cmd" in
  classpath)
    kafka_install_libs >&2; echo "$KAFKA_LIBS/*" ;;
  start)
    [ $# -ge 3 ] || usage
    dir=$(mkdir -p "$1" && cd "$1" && pwd); base=$2; nodes=$3; shift 3
    kafka_install_libs
    echo "$base" >"$dir/base-port"; echo "$nodes" >"$dir/nodes"
    voters=""
    for i in $(seq 1 "$nodes"); do
      voters="$voters${voters:+,}$i@127.0.0.1:$((base + 2 * (i - 1) + 1))"
    done
    rf=1; isr=1
    [ "$nodes" -ge 3 ] && { rf=3; isr=2; }
    cid_file=$dir/cluster-id
    if [ ! -s "$cid_file" ]; then
      mkdir -p "$dir/tool/logs"; : >"$dir/tool/log4j2.properties"
      kafka_java "$dir/tool" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 >"$cid_file"
    fi
    for i in $(seq 1 "$nodes"); do
      port=$((base + 2 * (i - 1)))
      kafka_write_config "$dir/node-$i" "$i" "$port" "$((port + 1))" "$voters" \
        "offsets.topic.replication.factor=$rf" "transaction.state.log.replication.factor=$rf" \
        "transaction.state.log.min.isr=$isr" "share.coordinator.state.topic.replication.factor=$rf" \
        "share.coordinator.state.topic.min.isr=$isr" "default.replication.factor=$rf" \
        "min.insync.replicas=$isr" "$@"
      kafka_format "$dir/node-$i" "$(cat "$cid_file")"
    done
    for i in $(seq 1 "$nodes"); do start_node "$dir" "$i"; done
    bootstrap=""
    for i in $(seq 1 "$nodes"); do
      port=$(node_port "$dir" "$i")
      kafka_wait "$dir/node-$i" "$port" "$TIMEOUT" || { for j in $(seq 1 "$nodes"); do kafka_stop "$dir/node-$j" KILL; done; exit 1; }
      bootstrap="$bootstrap${bootstrap:+,}127.0.0.1:$port"
    done
    echo "$bootstrap" ;;
  stop)
    [ $# -ge 1 ] || usage
    dir=$1; nodes=$(cat "$dir/nodes" 2>/dev/null || echo 0)
    for i in $(seq 1 "$nodes"); do kafka_stop "$dir/node-$i" & done
    wait ;;
  kill-node)
    [ $# -ge 2 ] || usage
    kafka_stop "$1/node-$2" KILL ;;
  start-node)
    [ $# -ge 2 ] || usage
    dir=$1; start_node "$dir" "$2"
    kafka_wait "$dir/node-$2" "$(node_port "$dir" "$2")" "$TIMEOUT" ;;
  *) usage ;;
esac
