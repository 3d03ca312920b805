# scripts/kafka/broker-lib.sh - shared by scripts/services.sh (the test broker on 127.0.0.1:9092)
# and scripts/kafka-cluster.sh (private clusters for failover and bad-input tests): install the
# broker's class path from Maven Central, write a KRaft node's configuration, format its storage
# once, start it in its own session, probe it, stop or kill it. Source it; it defines functions only.
#
# Needs: KAFKA_VERSION, KAFKA_LIBS (directory of the broker's jars), java and mvn on PATH.

KAFKA_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

kafka_log() { printf '%s\n' "$*"; }

# kafka_install_libs: copy org.apache.kafka:kafka_2.13, kafka-tools and a log4j2 backend with all
# their dependencies into $KAFKA_LIBS (once; a marker file records the version).
kafka_install_libs() {
  [ -f "$KAFKA_LIBS/.complete-$KAFKA_VERSION" ] && return 0
  command -v mvn >/dev/null || { echo "kafka: mvn not on PATH (needed to fetch the broker from Maven Central)" >&2; return 1; }
  local tmp=$KAFKA_LIBS.download.$$
  rm -rf "$tmp"; mkdir -p "$tmp"
  kafka_log "kafka: fetching org.apache.kafka:kafka_2.13:$KAFKA_VERSION and kafka-tools with Maven"
  if ! (cd "$KAFKA_LIB_DIR" && mvn -B -q -ntp -f pom.xml -Dkafka.version="$KAFKA_VERSION" \
        org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$tmp" </dev/null >"$tmp.log" 2>&1); then
    echo "kafka: mvn dependency:copy-dependencies failed:" >&2; tail -n 20 "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"; return 1
  fi
  rm -rf "$KAFKA_LIBS"; mkdir -p "$(dirname "$KAFKA_LIBS")"; mv "$tmp" "$KAFKA_LIBS"; rm -f "$tmp.log"
  touch "$KAFKA_LIBS/.complete-$KAFKA_VERSION"
}

# kafka_java DIR MAIN ARGS...: run a class of the broker's class path in the foreground
kafka_java() {
  local dir=$1; shift
  java -Xmx256m -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$dir/log4j2.properties" -Dkafka.logs.dir="$dir/logs" "$@"
}

# kafka_write_config DIR NODE_ID BROKER_PORT CONTROLLER_PORT VOTERS EXTRA_PROPS...
# VOTERS: "1@127.0.0.1:9093,2@..." (static quorum). EXTRA_PROPS: key=value lines appended last
# (a later key wins in java.util.Properties).
kafka_write_config() {
  local dir=$1 id=$2 port=$3 cport=$4 voters=$5; shift 5
  mkdir -p "$dir/data" "$dir/logs"
  {
    echo "# written by scripts/kafka/broker-lib.sh"
    echo "process.roles=broker,controller"
    echo "node.id=$id"
    echo "controller.quorum.voters=$voters"
    echo "listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport"
    echo "advertised.listeners=PLAINTEXT://127.0.0.1:$port"
    echo "controller.listener.names=CONTROLLER"
    echo "inter.broker.listener.name=PLAINTEXT"
    echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT"
    echo "log.dirs=$dir/data"
    echo "num.partitions=1"
    echo "auto.create.topics.enable=true"
    echo "offsets.topic.replication.factor=1"
    echo "offsets.topic.num.partitions=5"
    echo "transaction.state.log.replication.factor=1"
    echo "transaction.state.log.min.isr=1"
    echo "transaction.state.log.num.partitions=5"
    echo "share.coordinator.state.topic.replication.factor=1"
    echo "share.coordinator.state.topic.min.isr=1"
    echo "min.insync.replicas=1"
    echo "group.initial.rebalance.delay.ms=0"
    echo "log.retention.hours=24"
    echo "log.segment.bytes=67108864"
    echo "log.cleaner.dedupe.buffer.size=16777216"
    local p; for p in "$@"; do echo "$p"; done
  } >"$dir/server.properties"
  cat >"$dir/log4j2.properties" <<LOG4J
status = warn
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = $dir/logs/server.log
appender.file.filePattern = $dir/logs/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = INFO
LOG4J
}

# kafka_format DIR CLUSTER_ID: format the node's storage unless it is formatted already
kafka_format() {
  local dir=$1 cid=$2
  [ -f "$dir/data/meta.properties" ] && return 0
  kafka_java "$dir" kafka.tools.StorageTool format -t "$cid" -c "$dir/server.properties" --ignore-formatted \
    >"$dir/logs/format.log" 2>&1 \
    || { echo "kafka: kafka-storage format failed for $dir:" >&2; tail -n 20 "$dir/logs/format.log" >&2; return 1; }
}

# kafka_pid DIR: the pid of the broker started from DIR, if it runs
kafka_pid() {
  local dir=$1 pid
  pid=$(cat "$dir/broker.pid" 2>/dev/null || true)
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "kafka.Kafka $dir/server.properties" \
    && { echo "$pid"; return 0; }
  # no (valid) pid file: look for the broker among the java processes
  local d
  for d in /proc/[0-9]*; do
    [ "$(readlink "$d/exe" 2>/dev/null | sed 's|.*/||')" = java ] || continue
    if tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $dir/server.properties"; then
      echo "${d#/proc/}" >"$dir/broker.pid"; echo "${d#/proc/}"; return 0
    fi
  done
  return 1
}

kafka_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# kafka_ready DIR PORT: the process runs, the port accepts connections, and the broker logged
# that it started (it opens its listener before it has caught up with the metadata log)
kafka_ready() {
  local dir=$1 port=$2
  kafka_pid "$dir" >/dev/null && kafka_port_open "$port" \
    && grep -q 'Kafka Server started' "$dir/logs/server.log" 2>/dev/null
}

# kafka_start DIR HEAP: start the node in its own session (it survives the caller)
kafka_start() {
  local dir=$1 heap=${2:-512m}
  kafka_pid "$dir" >/dev/null && return 0
  rm -f "$dir/broker.pid"
  # a fresh log, so the readiness probe sees this start's line
  [ -f "$dir/logs/server.log" ] && mv -f "$dir/logs/server.log" "$dir/logs/server.log.previous"
  (cd "$dir" && setsid java -Xms128m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -Djava.awt.headless=true -Dlog4j2.configurationFile="$dir/log4j2.properties" \
      -Dkafka.logs.dir="$dir/logs" -cp "$KAFKA_LIBS/*" \
      kafka.Kafka "$dir/server.properties" </dev/null >"$dir/logs/console.log" 2>&1 &
   echo $! >"$dir/broker.pid")
  # the child runs bash, then setsid, then exec's java: wait until the pid is the broker's
  local i
  for i in $(seq 1 50); do kafka_pid "$dir" >/dev/null && return 0; sleep 0.1; done
  echo "kafka: the broker in $dir did not start:" >&2; tail -n 20 "$dir/logs/console.log" >&2
  return 1
}

# kafka_wait DIR PORT SECONDS
kafka_wait() {
  local dir=$1 port=$2 deadline=$((SECONDS + $3))
  until kafka_ready "$dir" "$port"; do
    if ! kafka_pid "$dir" >/dev/null; then
      echo "kafka: the broker in $dir exited during start:" >&2
      tail -n 20 "$dir/logs/console.log" "$dir/logs/server.log" 2>/dev/null | grep -Ev '^[[:space:]]+at ' >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "kafka: the broker in $dir is not ready on 127.0.0.1:$port after $3 s:" >&2
      tail -n 20 "$dir/logs/server.log" 2>/dev/null >&2
      return 1
    fi
    sleep 0.5
  done
}

# kafka_stop DIR [SIGNAL]: TERM (clean shutdown, up to 60 s, then KILL) or KILL right away
kafka_stop() {
  local dir=$1 sig=${2:-TERM} pid i
  pid=$(kafka_pid "$dir") || return 0
  kill -"$sig" "$pid" 2>/dev/null || true
  for i in $(seq 1 120); do [ -e "/proc/$pid" ] || break; sleep 0.5; done
  if [ -e "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; sleep 1; fi
  rm -f "$dir/broker.pid"
}
