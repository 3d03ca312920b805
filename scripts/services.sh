#!/usr/bin/env bash
# scripts/services.sh - make the servers the integration tests need ready on 127.0.0.1.
#
# Usage (as root; works non-interactively, e.g. in CI with CI=true and no stdin):
#   scripts/services.sh                    ensure all five services (postgres mariadb redis elasticsearch kafka)
#   scripts/services.sh postgres redis     ensure only the named services
#   scripts/services.sh start NAME...      same as ensure (install if missing, configure, start, verify)
#   scripts/services.sh stop NAME...       stop the named services and wait until they are really down
#   scripts/services.sh restart NAME...    stop, then ensure
#   scripts/services.sh status [NAME...]   one line per service; exit 0 only if all named ones are up
# NAME is one of: postgres mariadb redis elasticsearch kafka (aliases: pg, postgresql, mysql, es, all).
#
# "Ensure" is idempotent: when everything is already configured and running it only checks
# (a few seconds). A server is restarted only when a setting it needs is not in effect.
#   postgres       Debian cluster <ver>/main on 127.0.0.1:5432; wal_level=logical,
#                  max_replication_slots>=20, max_wal_senders>=20 (ALTER SYSTEM); pg_hba gets a
#                  marked block at the top: trust for local, 127.0.0.1 and ::1, incl. replication.
#                  Database test; roles root (superuser), postgres, cdc (LOGIN REPLICATION, pw cdc).
#   mariadb        127.0.0.1:3306, root with empty password over TCP, database test, user cdc/cdc;
#                  /etc/mysql/mariadb.conf.d/99-cdc.cnf: server_id=1, log_bin=mysql-bin, ROW/FULL/FULL.
#   redis          127.0.0.1:6379, no persistence.
#   elasticsearch  8.15.0 (integ-test-zip from Maven Central) on 127.0.0.1:9200, single node,
#                  security off, run as user cdc-es with a Java 17 JDK, heap 512m.
#   kafka          Apache Kafka 4.1.1 (org.apache.kafka:kafka_2.13 + kafka-tools from Maven Central,
#                  scripts/kafka/pom.xml) in KRaft mode, one combined broker+controller node:
#                  PLAINTEXT 127.0.0.1:9092, controller 127.0.0.1:9093, SASL_PLAINTEXT (PLAIN, user
#                  cdc / password cdc-secret) 127.0.0.1:9094; replication factors 1, topics
#                  auto-created; heap 512m; data and logs under $CDC_SERVICES_DIR/kafka.
# Missing Debian packages (postgresql, mariadb-server, redis-server, ...) are installed with apt-get.
#
# Environment:
#   CDC_SERVICES_DIR     where Elasticsearch is unpacked and keeps data/logs (default /var/lib/cdc-test);
#                        must be traversable by user cdc-es
#   CDC_ES_VERSION       Elasticsearch version (default 8.15.0)
#   CDC_ES_JAVA_HOME     JDK for Elasticsearch (default: auto-detected Java 17, else 21)
#   CDC_ES_HEAP          Elasticsearch heap (default 512m)
#   CDC_KAFKA_VERSION    Kafka version (default 4.1.1)
#   CDC_KAFKA_HEAP       Kafka heap (default 512m)
#   CDC_SERVICES_TIMEOUT seconds to wait for a server to come up (default 120)
set -euo pipefail

SERVICES_ALL=(postgres mariadb redis elasticsearch kafka)
HOST=127.0.0.1
PG_PORT=5432
MY_PORT=3306
REDIS_PORT=6379
ES_PORT=9200
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
KAFKA_SASL_PORT=9094
CDC_SERVICES_DIR=${CDC_SERVICES_DIR:-/var/lib/cdc-test}
ES_VERSION=${CDC_ES_VERSION:-8.15.0}
ES_HEAP=${CDC_ES_HEAP:-512m}
KAFKA_VERSION=${CDC_KAFKA_VERSION:-4.1.1}
KAFKA_HEAP=${CDC_KAFKA_HEAP:-512m}
ES_USER=cdc-es
TIMEOUT=${CDC_SERVICES_TIMEOUT:-120}
MY_CNF_DIR=/etc/mysql/mariadb.conf.d
MY_CNF=$MY_CNF_DIR/99-cdc.cnf
MY_LOG=/var/log/mysql/error.log
REDIS_LOG=/var/log/redis/ci.log
PG_HBA_BEGIN='# BEGIN cdc-test (managed by scripts/services.sh)'
PG_HBA_END='# END cdc-test'

# Client settings from the caller's environment must not redirect our own checks.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE PGOPTIONS \
      PGSSLMODE PGCONNECT_TIMEOUT MYSQL_HOST MYSQL_TCP_PORT MYSQL_PWD MYSQL_UNIX_PORT || true
export LC_ALL=C.UTF-8 LANG=C.UTF-8   # also what a PostgreSQL cluster created by apt/pg_createcluster gets
export DEBIAN_FRONTEND=noninteractive
SELF=$(readlink -f "$0")
cd /tmp

RUN_TMP=$(mktemp -d /tmp/cdc-services.XXXXXX)
trap 'rm -rf "$RUN_TMP"' EXIT

say() { printf '%s\n' "$*"; }
err() { printf '%s\n' "$*" >&2; }
# fail SERVICE MESSAGE [LOGFILE...]: print the message and the end of the logs, return 1
fail() {
  local svc=$1 msg=$2 f; shift 2
  err "$svc: FAILED: $msg"
  for f in "$@"; do
    # (Java stack frames left out: the messages around them say more)
    if [ -s "$f" ]; then
      err "--- last lines of $f:"
      grep -Ev '^[[:space:]]+(at |\.\.\. [0-9]+ more)' "$f" | tail -n 15 | cut -c1-300 | sed 's/^/  /' >&2
    fi
  done
  return 1
}
# wait_for SECONDS COMMAND...: poll every 0.5 s until the command succeeds
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}
need_root() {
  [ "$(id -u)" = 0 ] || { err "scripts/services.sh: must run as root (tried: $*)"; exit 1; }
}

# apt_install PKG...: install the packages that are not installed yet (apt-get update once per run)
apt_install() {
  local p missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -gt 0 ] || return 0
  say "apt: installing ${missing[*]}"
  local log=/var/log/cdc-services-apt.log
  if [ ! -e "$RUN_TMP/apt-updated" ]; then
    apt-get update -q >"$log" 2>&1 || err "apt: apt-get update failed (see $log); trying the current package lists"
    touch "$RUN_TMP/apt-updated"
  fi
  apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold "${missing[@]}" \
    >>"$log" 2>&1 || { fail apt "apt-get install ${missing[*]}" "$log"; return 1; }
}

# replace_file PATH CONTENT: write atomically if different; return 0 if changed, 1 if unchanged
replace_file() {
  local path=$1 content=$2
  if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ]; then return 1; fi
  mkdir -p "$(dirname "$path")"
  printf '%s\n' "$content" >"$path.cdc-tmp"
  if [ -f "$path" ]; then chmod --reference="$path" "$path.cdc-tmp"; chown --reference="$path" "$path.cdc-tmp"; fi
  mv -f "$path.cdc-tmp" "$path"
  return 0
}

# http_get PATH: body of GET http://127.0.0.1:9200PATH (curl, else bash /dev/tcp)
http_get() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -m 5 "http://$HOST:$ES_PORT$1" 2>/dev/null
  else
    timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3
      IFS= read -r status <&3; case $status in *" 200 "*) ;; *) exit 1;; esac
      sed "1,/^\r\{0,1\}$/d" <&3' "$HOST" "$ES_PORT" "$1" 2>/dev/null
  fi
}

# ============================================================================ PostgreSQL
pg_version() {
  if [ -n "${CDC_PG_VERSION:-}" ]; then echo "$CDC_PG_VERSION"; return; fi
  local v
  v=$(pg_lsclusters -h 2>/dev/null | awk -v p="$PG_PORT" '$2 == "main" && $3 == p { print $1 }' | sort -n | tail -n 1)
  [ -n "$v" ] || v=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  echo "$v"
}
pg_field() { pg_lsclusters -h "$PGV" main 2>/dev/null | awk -v f="$1" '{ print $f }'; }
pg_online() { case "$(pg_field 4)" in online*) return 0;; *) return 1;; esac; }
pg_offline() { ! pg_online; }
pg_logfile() { local l; l=$(pg_field 7); echo "${l:-/var/log/postgresql/postgresql-$PGV-main.log}"; }
# administrative psql over the unix socket as OS user postgres (works with peer or trust auth)
pg_admin() {
  local db=$1; shift
  runuser -u postgres -- psql -X -q -w -v ON_ERROR_STOP=1 -At -p "$PG_PORT" -d "$db" "$@"
}
pg_tcp() { psql -X -q -w -At -h "$HOST" -p "$PG_PORT" "$@"; }
pg_ready() { pg_isready -q -h "$HOST" -p "$PG_PORT" -t 2; }
pg_ctl_() { pg_ctlcluster --skip-systemctl-redirect "$PGV" main "$@"; }

pg_setup_vars() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null; then
    apt_install postgresql postgresql-client
  fi
  PGV=$(pg_version)
  [ -n "$PGV" ] || { fail postgres "no PostgreSQL server version found under /usr/lib/postgresql"; return 1; }
}

pg_start() {
  pg_online && return 0
  if ! pg_ctl_ start >"$RUN_TMP/pg-start.log" 2>&1; then
    pg_online || { fail postgres "cluster $PGV/main did not start" "$RUN_TMP/pg-start.log" "$(pg_logfile)"; return 1; }
  fi
  wait_for "$TIMEOUT" pg_ready || { fail postgres "not accepting connections on $HOST:$PG_PORT" "$(pg_logfile)"; return 1; }
}

pg_stop() {
  pg_setup_vars
  if pg_online; then
    pg_ctl_ stop >"$RUN_TMP/pg-stop.log" 2>&1 || true
    wait_for 60 pg_offline \
      || { fail postgres "did not stop" "$RUN_TMP/pg-stop.log" "$(pg_logfile)"; return 1; }
  fi
  say "postgres: stopped"
}

pg_hba_block() {
  cat <<EOF
$PG_HBA_BEGIN
# Test machine only: trust every local / loopback connection, including replication.
local   all          all                    trust
local   replication  all                    trust
host    all          all    127.0.0.1/32    trust
host    replication  all    127.0.0.1/32    trust
host    all          all    ::1/128         trust
host    replication  all    ::1/128         trust
$PG_HBA_END
EOF
}

# ensure the marked block is at the top of pg_hba.conf; return 0 if the file changed
pg_hba_ensure() {
  local hba=$1 want current rest
  want=$(pg_hba_block)
  current=$(sed -n "\\%^$PG_HBA_BEGIN\$%,\\%^$PG_HBA_END\$%p" "$hba")
  if [ "$current" = "$want" ] && [ "$(head -n 1 "$hba")" = "$PG_HBA_BEGIN" ]; then return 1; fi
  cp -p "$hba" "$RUN_TMP/pg_hba.conf.bak"
  rest=$(sed "\\%^$PG_HBA_BEGIN\$%,\\%^$PG_HBA_END\$%d" "$hba")
  replace_file "$hba" "$want
$rest" || true
  return 0
}

ensure_postgres() {
  need_root postgres
  pg_setup_vars
  local conf_dir=/etc/postgresql/$PGV/main
  if [ ! -d "$conf_dir" ]; then
    say "postgres: creating cluster $PGV/main"
    pg_createcluster --port "$PG_PORT" --locale C.UTF-8 "$PGV" main >"$RUN_TMP/pg-create.log" 2>&1 \
      || { fail postgres "pg_createcluster $PGV main" "$RUN_TMP/pg-create.log"; return 1; }
  fi
  local port; port=$(pg_field 3)
  [ "$port" = "$PG_PORT" ] || { fail postgres "cluster $PGV/main uses port $port, not $PG_PORT"; return 1; }

  # pg_hba.conf (edited while the server may be down; validated below once it is up)
  local hba=$conf_dir/pg_hba.conf hba_changed=0
  if pg_online; then hba=$(pg_admin postgres -c 'show hba_file'); fi
  if pg_hba_ensure "$hba"; then hba_changed=1; fi

  pg_start
  if [ "$hba_changed" = 1 ]; then
    local bad
    bad=$(pg_admin postgres -c "select line_number || ': ' || error from pg_hba_file_rules where error is not null")
    if [ -n "$bad" ]; then
      cp -p "$RUN_TMP/pg_hba.conf.bak" "$hba"
      fail postgres "pg_hba.conf rejected ($bad); restored the previous file"; return 1
    fi
    [ "$(pg_admin postgres -c 'select pg_reload_conf()')" = t ] \
      || { fail postgres "pg_reload_conf() failed" "$(pg_logfile)"; return 1; }
    say "postgres: pg_hba.conf: trust for local, 127.0.0.1 and ::1 (incl. replication), reloaded"
  fi

  # server settings: change (ALTER SYSTEM) and restart only when needed
  local wal slots senders sql=''
  read -r wal slots senders < <(pg_admin postgres -F ' ' -c \
    "select current_setting('wal_level'), current_setting('max_replication_slots'), current_setting('max_wal_senders')")
  [ -n "${senders:-}" ] || { fail postgres "could not read server settings" "$(pg_logfile)"; return 1; }
  [ "$wal" = logical ] || sql+="ALTER SYSTEM SET wal_level = 'logical';"
  [ "$slots" -ge 20 ] || sql+="ALTER SYSTEM SET max_replication_slots = 20;"
  [ "$senders" -ge 20 ] || sql+="ALTER SYSTEM SET max_wal_senders = 20;"
  if [ -n "$sql" ]; then
    local datadir auto
    datadir=$(pg_admin postgres -c 'show data_directory')
    auto=$datadir/postgresql.auto.conf
    cp -p "$auto" "$RUN_TMP/pg-auto.conf.bak" 2>/dev/null || : >"$RUN_TMP/pg-auto.conf.bak"
    local s; IFS=';' read -ra stmts <<<"$sql"
    for s in "${stmts[@]}"; do [ -z "$s" ] || pg_admin postgres -c "$s"; done
    say "postgres: wal_level=$wal max_replication_slots=$slots max_wal_senders=$senders -> changing, restarting"
    if ! pg_ctl_ restart >"$RUN_TMP/pg-restart.log" 2>&1 || ! wait_for "$TIMEOUT" pg_ready; then
      fail postgres "restart with the new settings failed; restoring the previous settings" \
        "$RUN_TMP/pg-restart.log" "$(pg_logfile)" || true
      cp "$RUN_TMP/pg-auto.conf.bak" "$auto" && chown postgres:postgres "$auto"
      pg_ctl_ restart >/dev/null 2>&1 || pg_ctl_ start >/dev/null 2>&1 || true
      return 1
    fi
    read -r wal slots senders < <(pg_admin postgres -F ' ' -c \
      "select current_setting('wal_level'), current_setting('max_replication_slots'), current_setting('max_wal_senders')")
  fi

  # database and roles (only created/altered when missing)
  pg_admin postgres >/dev/null <<'SQL'
SELECT 'CREATE ROLE root LOGIN SUPERUSER' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'root')\gexec
SELECT 'ALTER ROLE root LOGIN SUPERUSER' FROM pg_roles WHERE rolname = 'root' AND NOT (rolsuper AND rolcanlogin)\gexec
SELECT 'ALTER ROLE postgres LOGIN' FROM pg_roles WHERE rolname = 'postgres' AND NOT rolcanlogin\gexec
SELECT 'CREATE ROLE cdc LOGIN REPLICATION PASSWORD ''cdc''' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cdc')\gexec
SELECT 'ALTER ROLE cdc LOGIN REPLICATION' FROM pg_roles WHERE rolname = 'cdc' AND NOT (rolreplication AND rolcanlogin)\gexec
SELECT 'CREATE DATABASE test TEMPLATE template0 ENCODING ''UTF8'' LOCALE ''C.UTF-8''' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'test')\gexec
SELECT 'GRANT ALL ON DATABASE test TO cdc' WHERE NOT has_database_privilege('cdc', 'test', 'CREATE')\gexec
SQL
  pg_admin test >/dev/null <<'SQL'
SELECT 'GRANT ALL ON SCHEMA public TO cdc' WHERE NOT has_schema_privilege('cdc', 'public', 'CREATE')\gexec
SQL

  # verify over TCP exactly as the tests connect
  local got
  got=$(pg_tcp -U postgres -d test -c 'show wal_level' 2>&1) && [ "$got" = logical ] \
    || { fail postgres "TCP check as postgres: $got" "$(pg_logfile)"; return 1; }
  got=$(pg_tcp -U root -d test -c 'select 1' 2>&1) || { fail postgres "TCP login as root: $got"; return 1; }
  got=$(psql -X -q -w -At "host=$HOST port=$PG_PORT user=postgres dbname=test replication=database" \
        -c IDENTIFY_SYSTEM 2>&1) || { fail postgres "replication connection as postgres: $got"; return 1; }
  got=$(PGPASSWORD=cdc psql -X -q -w -At "host=$HOST port=$PG_PORT user=cdc dbname=test replication=database" \
        -c IDENTIFY_SYSTEM 2>&1) || { fail postgres "replication connection as cdc: $got"; return 1; }
  say "postgres: $PGV/main wal_level=$wal max_replication_slots=$slots max_wal_senders=$senders, ready on $HOST:$PG_PORT"
}

status_postgres() {
  if pg_ready 2>/dev/null; then
    say "postgres: up on $HOST:$PG_PORT (wal_level=$(pg_tcp -U postgres -d test -c 'show wal_level' 2>/dev/null || echo '?'))"
  else
    say "postgres: down"; return 1
  fi
}

# ============================================================================ MariaDB
my_cnf_content() {
  cat <<'EOF'
# Managed by scripts/services.sh (cdc integration tests): row-based binlog for change data capture.
[mariadbd]
server_id                  = 1
log_bin                    = mysql-bin
binlog_format              = ROW
binlog_row_image           = FULL
binlog_row_metadata        = FULL
binlog_expire_logs_seconds = 172800
character-set-server       = utf8mb4
collation-server           = utf8mb4_general_ci
bind-address               = 127.0.0.1
port                       = 3306
log_error                  = /var/log/mysql/error.log
EOF
}
my_defaults() { /usr/sbin/mariadbd --print-defaults 2>/dev/null | tail -n 1; }
my_sock() {
  local s; s=$(my_defaults | tr ' ' '\n' | sed -n 's/^--socket=//p' | tail -n 1)
  echo "${s:-/run/mysqld/mysqld.sock}"
}
my_pidfile() {
  local p; p=$(my_defaults | tr ' ' '\n' | sed -n 's/^--pid[-_]file=//p' | tail -n 1)
  echo "${p:-/run/mysqld/mysqld.pid}"
}
my_tcp() { mariadb --no-defaults --connect-timeout=3 -h "$HOST" -P "$MY_PORT" -N -B "$@"; }
my_sock_q() { mariadb --connect-timeout=3 --protocol=socket -S "$(my_sock)" -uroot -N -B "$@"; }
my_tcp_root_ok() { my_tcp -uroot -e 'select 1' >/dev/null 2>&1; }
my_up() { my_tcp_root_ok || my_sock_q -e 'select 1' >/dev/null 2>&1; }
# admin SQL: socket as root (unix_socket or empty password), else TCP as root
my_admin() {
  if my_sock_q -e 'select 1' >/dev/null 2>&1; then my_sock_q "$@"; else my_tcp -uroot "$@"; fi
}
my_running() { start-stop-daemon --status --exec /usr/sbin/mariadbd >/dev/null 2>&1; }
my_not_running() { ! my_running; }

my_setup_vars() {
  if [ ! -x /usr/sbin/mariadbd ] || ! command -v mariadb >/dev/null || ! command -v mariadb-admin >/dev/null; then
    apt_install mariadb-server mariadb-client
  fi
}

my_start() {
  install -d -o mysql -g mysql -m 755 /run/mysqld
  [ -d /var/log/mysql ] || install -d -o mysql -g adm -m 2750 /var/log/mysql
  local datadir; datadir=$(my_defaults | tr ' ' '\n' | sed -n 's/^--datadir=//p' | tail -n 1)
  datadir=${datadir:-/var/lib/mysql}
  if [ ! -d "$datadir/mysql" ]; then
    say "mariadb: initialising $datadir"
    mariadb-install-db --user=mysql --datadir="$datadir" >"$RUN_TMP/my-install.log" 2>&1 \
      || { fail mariadb "mariadb-install-db" "$RUN_TMP/my-install.log"; return 1; }
  fi
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql >/dev/null
  local deadline=$((SECONDS + TIMEOUT))
  until my_up; do
    if [ "$SECONDS" -ge "$deadline" ]; then fail mariadb "not answering after ${TIMEOUT}s" "$MY_LOG"; return 1; fi
    if [ "$SECONDS" -ge $((deadline - TIMEOUT + 5)) ] && ! my_running; then
      fail mariadb "mariadbd exited during start" "$MY_LOG"; return 1
    fi
    sleep 0.5
  done
}

my_stop_quiet() {
  my_running || return 0
  local pid=''; pid=$(cat "$(my_pidfile)" 2>/dev/null || true)
  timeout 90 mariadb-admin --connect-timeout=3 --protocol=socket -S "$(my_sock)" -uroot shutdown >/dev/null 2>&1 \
    || timeout 90 mariadb-admin --no-defaults --connect-timeout=3 -h "$HOST" -P "$MY_PORT" -uroot shutdown >/dev/null 2>&1 \
    || { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; } || true
  if ! wait_for 90 my_not_running; then
    start-stop-daemon --stop --oknodo --retry TERM/30/KILL/5 --exec /usr/sbin/mariadbd >/dev/null 2>&1 || true
  fi
  ! my_running || { fail mariadb "mariadbd did not stop" "$MY_LOG"; return 1; }
}

my_stop() { my_setup_vars; my_stop_quiet; say "mariadb: stopped"; }

# variables the running server must report
my_vars_ok() {
  local vars
  vars=$(my_admin -e "SHOW GLOBAL VARIABLES WHERE Variable_name IN
         ('log_bin','binlog_format','binlog_row_image','binlog_row_metadata','server_id','bind_address','port')" \
         | tr '\t' '=' | sort | tr '\n' ' ')
  [ "$vars" = "bind_address=127.0.0.1 binlog_format=ROW binlog_row_image=FULL binlog_row_metadata=FULL log_bin=ON port=3306 server_id=1 " ]
}

ensure_mariadb() {
  need_root mariadb
  my_setup_vars
  local cnf_backup=$RUN_TMP/99-cdc.cnf.bak main_cnf_backup='' main_cnf
  [ -f "$MY_CNF" ] && cp -p "$MY_CNF" "$cnf_backup"
  replace_file "$MY_CNF" "$(my_cnf_content)" && say "mariadb: wrote $MY_CNF" || true
  # Debian's /etc/mysql/my.cnf includes mariadb.conf.d/; a hand-written one may not
  if [[ "$(my_defaults)" != *--binlog_row_metadata=FULL* ]]; then
    main_cnf=$(readlink -f /etc/mysql/my.cnf)
    if [ -f "$main_cnf" ]; then main_cnf_backup=$RUN_TMP/my.cnf.bak; cp -p "$main_cnf" "$main_cnf_backup"; fi
    printf '\n# added by scripts/services.sh (cdc)\n!includedir %s/\n' "$MY_CNF_DIR" >>"$main_cnf"
    say "mariadb: added !includedir $MY_CNF_DIR/ to $main_cnf"
    [[ "$(my_defaults)" == *--binlog_row_metadata=FULL* ]] \
      || { fail mariadb "mariadbd does not read $MY_CNF (see mariadbd --print-defaults)"; return 1; }
  fi

  if my_running && ! my_up; then
    # a server that is running but not answering (starting up?): give it a moment
    wait_for 30 my_up || true
  fi
  my_up || { my_start || return 1; }

  if ! my_vars_ok; then
    say "mariadb: binlog settings not in effect -> restarting"
    my_stop_quiet || return 1
    if ! my_start || ! my_vars_ok; then
      err "mariadb: restoring the previous configuration"
      if [ -f "$cnf_backup" ]; then cp -p "$cnf_backup" "$MY_CNF"; else rm -f "$MY_CNF"; fi
      [ -z "$main_cnf_backup" ] || cp -p "$main_cnf_backup" "$main_cnf"
      my_stop_quiet >/dev/null 2>&1 || true; my_start >/dev/null 2>&1 || true
      fail mariadb "server does not report the binlog settings after restart (previous configuration restored)"; return 1
    fi
  fi

  # root over TCP with an empty password (Debian's root@localhost uses unix_socket only)
  if ! my_tcp_root_ok; then
    say "mariadb: enabling password-less root over TCP"
    my_admin <<'SQL' || { fail mariadb "could not enable root over TCP" "$MY_LOG"; return 1; }
SET SESSION sql_log_bin = 0;
ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS 'root'@'::1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'::1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  fi

  # database test and user cdc (kept out of the binlog so tests never see these statements)
  if [ "$(my_admin -e "SELECT COUNT(*) FROM mysql.user WHERE User = 'cdc'" 2>/dev/null)" != 3 ] \
     || ! my_admin -e "SHOW DATABASES LIKE 'test'" | grep -qx test \
     || ! my_tcp -ucdc -pcdc -e 'SHOW MASTER STATUS' >/dev/null 2>&1; then
    my_admin <<'SQL' || { fail mariadb "could not create database test / user cdc" "$MY_LOG"; return 1; }
SET SESSION sql_log_bin = 0;
CREATE DATABASE IF NOT EXISTS test;
CREATE USER IF NOT EXISTS 'cdc'@'%' IDENTIFIED BY 'cdc';
CREATE USER IF NOT EXISTS 'cdc'@'localhost' IDENTIFIED BY 'cdc';
CREATE USER IF NOT EXISTS 'cdc'@'127.0.0.1' IDENTIFIED BY 'cdc';
ALTER USER 'cdc'@'%' IDENTIFIED BY 'cdc';
ALTER USER 'cdc'@'localhost' IDENTIFIED BY 'cdc';
ALTER USER 'cdc'@'127.0.0.1' IDENTIFIED BY 'cdc';
GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, REPLICATION CLIENT, BINLOG MONITOR
  ON *.* TO 'cdc'@'%', 'cdc'@'localhost', 'cdc'@'127.0.0.1';
GRANT ALL PRIVILEGES ON test.* TO 'cdc'@'%', 'cdc'@'localhost', 'cdc'@'127.0.0.1';
SQL
    say "mariadb: database test and user cdc ready"
  fi

  # verify over TCP as the tests connect
  my_tcp_root_ok || { fail mariadb "root cannot log in over TCP with an empty password" "$MY_LOG"; return 1; }
  my_vars_ok || { fail mariadb "binlog settings not in effect" "$MY_LOG"; return 1; }
  [ -n "$(my_tcp -uroot -e 'SHOW MASTER STATUS')" ] || { fail mariadb "SHOW MASTER STATUS returned no row"; return 1; }
  my_tcp -ucdc -pcdc -D test -e 'SHOW MASTER STATUS' >/dev/null 2>&1 || { fail mariadb "user cdc cannot log in over TCP"; return 1; }
  say "mariadb: log_bin=ON binlog_format=ROW binlog_row_image=FULL binlog_row_metadata=FULL, ready on $HOST:$MY_PORT"
}

status_mariadb() {
  if my_tcp_root_ok; then
    say "mariadb: up on $HOST:$MY_PORT (log_bin=$(my_tcp -uroot -e 'select @@log_bin' | sed 's/1/ON/;s/0/OFF/'), binlog_format=$(my_tcp -uroot -e 'select @@binlog_format'))"
  elif my_running; then
    say "mariadb: running but root cannot log in over TCP"; return 1
  else
    say "mariadb: down"; return 1
  fi
}

# ============================================================================ Redis
redis_ping() { [ "$(timeout 5 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }
redis_cli() { timeout 5 redis-cli -h "$HOST" -p "$REDIS_PORT" "$@"; }
redis_down() { ! redis_ping; }

ensure_redis() {
  need_root redis
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt_install redis-server redis-tools
  fi
  if ! redis_ping; then
    mkdir -p /var/lib/redis "$(dirname "$REDIS_LOG")"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile "$REDIS_LOG" >"$RUN_TMP/redis-start.log" 2>&1 \
      || { fail redis "redis-server did not start" "$RUN_TMP/redis-start.log" "$REDIS_LOG"; return 1; }
    wait_for 30 redis_ping || { fail redis "not answering PING on $HOST:$REDIS_PORT" "$REDIS_LOG"; return 1; }
  fi
  # no persistence, also for a server started by someone else (e.g. Debian's own config)
  [ -z "$(redis_cli config get save | sed -n 2p)" ] || redis_cli config set save "" >/dev/null
  [ "$(redis_cli config get appendonly | sed -n 2p)" = no ] || redis_cli config set appendonly no >/dev/null
  say "redis: $(redis_cli info server | tr -d '\r' | sed -n 's/^redis_version:/version /p'), no persistence, ready on $HOST:$REDIS_PORT"
}

redis_stop() {
  if redis_ping; then
    redis_cli shutdown nosave >/dev/null 2>&1 || true
    wait_for 30 redis_down \
      || { fail redis "still answering after shutdown" "$REDIS_LOG"; return 1; }
  fi
  say "redis: stopped"
}

status_redis() {
  if redis_ping; then say "redis: up on $HOST:$REDIS_PORT"; else say "redis: down"; return 1; fi
}

# ============================================================================ Elasticsearch
ES_HOME=$CDC_SERVICES_DIR/elasticsearch-$ES_VERSION
ES_DATA=$CDC_SERVICES_DIR/es-data
ES_LOGS=$CDC_SERVICES_DIR/es-logs
ES_RUN=$CDC_SERVICES_DIR/es-run
ES_PIDFILE=$ES_RUN/elasticsearch.pid
ES_OUT=$ES_LOGS/console.log
ES_ARTIFACT=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip

es_health() { http_get /_cluster/health | grep -o '"status":"[a-z]*"' | cut -d'"' -f4; }
es_port_closed() { ! (exec 3<>"/dev/tcp/$HOST/$ES_PORT") 2>/dev/null; }
es_ready() { case "$(es_health)" in green|yellow) return 0;; *) return 1;; esac; }
es_pid() {
  local pid; pid=$(cat "$ES_PIDFILE" 2>/dev/null || true)
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q org.elasticsearch; then
    echo "$pid"; return 0
  fi
  # no (valid) pid file: look for our node among the processes of user cdc-es
  local d
  for d in /proc/[0-9]*; do
    [ "$(stat -c %U "$d" 2>/dev/null)" = "$ES_USER" ] || continue
    if tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -q 'org.elasticsearch.bootstrap.Elasticsearch'; then
      echo "${d#/proc/}"; return 0
    fi
  done
  return 1
}

java_major() {
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  [ -n "$v" ] || v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
                     | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  echo "$v"
}
# a JDK/JRE that Elasticsearch 8.15 runs on: 17 preferred, then 21 (never newer: 24+ has no Security Manager)
es_java_home() {
  if [ -n "${CDC_ES_JAVA_HOME:-}" ]; then echo "$CDC_ES_JAVA_HOME"; return 0; fi
  local want c
  for want in 17 21; do
    for c in /usr/lib/jvm/java-$want-openjdk-* /usr/lib/jvm/*-$want* /usr/lib/jvm/*$want* /usr/lib/jvm/*; do
      [ -x "$c/bin/java" ] || continue
      [ "$(java_major "$c")" = "$want" ] && { readlink -f "$c"; return 0; }
    done
  done
  return 1
}

es_install() {
  id -u "$ES_USER" >/dev/null 2>&1 \
    || useradd --system --user-group --home-dir "$CDC_SERVICES_DIR" --no-create-home \
               --shell /usr/sbin/nologin "$ES_USER"
  install -d -m 755 "$CDC_SERVICES_DIR"
  if [ ! -x "$ES_HOME/bin/elasticsearch" ]; then
    command -v mvn >/dev/null || apt_install maven
    local dl=$CDC_SERVICES_DIR/.download.$$ zip
    rm -rf "$dl"; mkdir -p "$dl/out"
    say "elasticsearch: fetching $ES_ARTIFACT with Maven"
    (cd "$dl" && mvn -B -q -ntp org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
        -Dartifact="$ES_ARTIFACT" -DoutputDirectory="$dl/out" </dev/null >"$dl/mvn.log" 2>&1) \
      || { fail elasticsearch "mvn dependency:copy $ES_ARTIFACT" "$dl/mvn.log"; rm -rf "$dl"; return 1; }
    zip=$dl/out/elasticsearch-$ES_VERSION.zip
    mkdir -p "$dl/unpacked"
    if command -v unzip >/dev/null; then
      unzip -q "$zip" -d "$dl/unpacked"
    else
      local jh; jh=$(es_java_home || true)
      if [ -n "$jh" ] && [ -x "$jh/bin/jar" ]; then
        (cd "$dl/unpacked" && "$jh/bin/jar" xf "$zip")
      else
        apt_install unzip && unzip -q "$zip" -d "$dl/unpacked"
      fi
    fi
    [ -x "$dl/unpacked/elasticsearch-$ES_VERSION/bin/elasticsearch" ] || chmod +x "$dl/unpacked/elasticsearch-$ES_VERSION"/bin/* 2>/dev/null || true
    [ -f "$dl/unpacked/elasticsearch-$ES_VERSION/bin/elasticsearch" ] \
      || { fail elasticsearch "unexpected archive layout in $zip"; rm -rf "$dl"; return 1; }
    rm -rf "$ES_HOME"
    mv "$dl/unpacked/elasticsearch-$ES_VERSION" "$ES_HOME"
    rm -rf "$dl"
    say "elasticsearch: unpacked into $ES_HOME"
  fi
  install -d -o "$ES_USER" -g "$ES_USER" -m 755 "$ES_DATA" "$ES_LOGS" "$ES_RUN"
  if [ -n "$(find "$ES_HOME" "$ES_DATA" "$ES_LOGS" "$ES_RUN" ! -user "$ES_USER" -print -quit)" ]; then
    chown -R "$ES_USER:$ES_USER" "$ES_HOME" "$ES_DATA" "$ES_LOGS" "$ES_RUN"
  fi
  runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" -a -w "$ES_DATA" \
    || { fail elasticsearch "user $ES_USER cannot use $CDC_SERVICES_DIR (set CDC_SERVICES_DIR to a world-traversable path)"; return 1; }
}

ensure_elasticsearch() {
  need_root elasticsearch
  if es_ready; then
    say "elasticsearch: status=$(es_health), ready on $HOST:$ES_PORT"; return 0
  fi
  es_install || return 1
  local jh
  if ! jh=$(es_java_home); then
    apt_install openjdk-17-jre-headless || return 1
    jh=$(es_java_home) || { fail elasticsearch "no Java 17 (or 21) runtime under /usr/lib/jvm"; return 1; }
  fi
  if es_pid >/dev/null; then
    # started earlier but not ready yet (or hung): give it the usual time, else restart it
    if wait_for "$TIMEOUT" es_ready; then say "elasticsearch: status=$(es_health), ready on $HOST:$ES_PORT"; return 0; fi
    es_stop_quiet || return 1
  fi
  # the JVM (log4j) must resolve this machine's own name, else ES dies at start: add it to /etc/hosts
  local me; me=$(uname -n)
  if ! timeout 10 getent hosts "$me" >/dev/null 2>&1; then
    printf '127.0.1.1\t%s\t# added by scripts/services.sh (Elasticsearch needs it)\n' "$me" >>/etc/hosts
    say "elasticsearch: host name '$me' did not resolve; added it to /etc/hosts"
  fi
  # memory maps: single-node on loopback does not enforce the bootstrap check; raise it when we can
  local mmap_opt=()
  if [ "$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 0)" -lt 262144 ]; then
    sysctl -q -w vm.max_map_count=262144 >/dev/null 2>&1 || true
    [ "$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 0)" -ge 262144 ] || mmap_opt=(-E node.store.allow_mmap=false)
  fi
  say "elasticsearch: starting $ES_VERSION as $ES_USER (java $(java_major "$jh"), heap $ES_HEAP)"
  # setsid: its own session, so ending the shell (or job) that started it does not stop it.
  rm -f "$ES_PIDFILE"
  : >"$ES_OUT"
  local rc=0
  (cd "$CDC_SERVICES_DIR" && { ulimit -n 65536 2>/dev/null || true; } && timeout $((TIMEOUT + 30)) setsid runuser -u "$ES_USER" -- env -i \
      PATH=/usr/local/bin:/usr/bin:/bin HOME="$CDC_SERVICES_DIR" LANG=C.UTF-8 \
      ES_JAVA_HOME="$jh" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP" \
      "$ES_HOME/bin/elasticsearch" -d -p "$ES_PIDFILE" \
        -E cluster.name=cdc-test -E node.name=cdc-test-es \
        -E discovery.type=single-node -E xpack.security.enabled=false \
        -E http.port="$ES_PORT" -E network.host="$HOST" \
        -E path.data="$ES_DATA" -E path.logs="$ES_LOGS" \
        -E cluster.routing.allocation.disk.threshold_enabled=false \
        "${mmap_opt[@]}" </dev/null >>"$ES_OUT" 2>&1) || rc=$?
  if [ "$rc" != 0 ] && ! es_pid >/dev/null; then
    fail elasticsearch "bin/elasticsearch exited with $rc" "$ES_OUT" "$ES_LOGS/cdc-test.log"; return 1
  fi
  local deadline=$((SECONDS + TIMEOUT))
  until es_ready; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail elasticsearch "no green/yellow _cluster/health after ${TIMEOUT}s" "$ES_OUT" "$ES_LOGS/cdc-test.log" || true
      es_stop_quiet >/dev/null 2>&1 || true; return 1
    fi
    es_pid >/dev/null || { fail elasticsearch "process exited during start" "$ES_OUT" "$ES_LOGS/cdc-test.log"; return 1; }
    sleep 1
  done
  say "elasticsearch: status=$(es_health), ready on $HOST:$ES_PORT"
}

es_stop_quiet() {
  local pid
  pid=$(es_pid) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for 60 test ! -e "/proc/$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_for 10 test ! -e "/proc/$pid" || { fail elasticsearch "process $pid did not stop"; return 1; }
  fi
  rm -f "$ES_PIDFILE"
  wait_for 10 es_port_closed || true
}
es_stop() { need_root elasticsearch; es_stop_quiet; say "elasticsearch: stopped"; }

status_elasticsearch() {
  local h; h=$(es_health || true)
  if [ -n "$h" ]; then say "elasticsearch: up on $HOST:$ES_PORT (status=$h)"; [ "$h" != red ]
  elif es_pid >/dev/null; then say "elasticsearch: starting (pid $(es_pid), not answering yet)"; return 1
  else say "elasticsearch: down"; return 1
  fi
}

# ============================================================================ Kafka
# The class path, configuration, format/start/stop steps are shared with scripts/kafka-cluster.sh.
KAFKA_LIBS=$CDC_SERVICES_DIR/kafka-$KAFKA_VERSION-libs
KAFKA_DIR=$CDC_SERVICES_DIR/kafka
# shellcheck source=kafka/broker-lib.sh
. "$(dirname "$SELF")/kafka/broker-lib.sh"

kafka_service_config() {
  kafka_write_config "$1" 1 "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "1@$HOST:$KAFKA_CONTROLLER_PORT" \
    "listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT,SASL_PLAINTEXT://$HOST:$KAFKA_SASL_PORT" \
    "advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,SASL_PLAINTEXT://$HOST:$KAFKA_SASL_PORT" \
    "sasl.enabled.mechanisms=PLAIN" \
    'listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="cdc" password="cdc-secret" user_cdc="cdc-secret";'
}

ensure_kafka() {
  need_root kafka
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  kafka_install_libs || { fail kafka "could not fetch the broker's jars from Maven Central"; return 1; }
  # the configuration this script wants; a running broker with another one is restarted
  local want=$RUN_TMP/kafka-config
  kafka_service_config "$want"
  mkdir -p "$KAFKA_DIR"
  local f changed=
  for f in server.properties log4j2.properties; do
    [ "$(sed "s|$want|$KAFKA_DIR|g" "$want/$f")" = "$(cat "$KAFKA_DIR/$f" 2>/dev/null)" ] || changed=1
  done
  rm -rf "$want"
  if [ -n "$changed" ]; then
    if kafka_pid "$KAFKA_DIR" >/dev/null; then
      say "kafka: configuration changed; restarting the broker"
      kafka_stop "$KAFKA_DIR"
    fi
    kafka_service_config "$KAFKA_DIR"
  fi
  if kafka_ready "$KAFKA_DIR" "$KAFKA_PORT"; then
    say "kafka: $KAFKA_VERSION (KRaft) ready on $HOST:$KAFKA_PORT"; return 0
  fi
  if kafka_pid "$KAFKA_DIR" >/dev/null; then
    # started earlier but not ready yet (or hung): give it the usual time, else restart it
    if wait_for "$TIMEOUT" kafka_ready "$KAFKA_DIR" "$KAFKA_PORT"; then
      say "kafka: $KAFKA_VERSION (KRaft) ready on $HOST:$KAFKA_PORT"; return 0
    fi
    kafka_stop "$KAFKA_DIR"
  fi
  if kafka_port_open "$KAFKA_PORT"; then
    fail kafka "port $KAFKA_PORT is taken by a process this script did not start"; return 1
  fi
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local cid
    cid=$(kafka_java "$KAFKA_DIR" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)
    say "kafka: formatting $KAFKA_DIR/data (cluster id $cid)"
    kafka_format "$KAFKA_DIR" "$cid" || { fail kafka "kafka-storage format" "$KAFKA_DIR/logs/format.log"; return 1; }
  fi
  say "kafka: starting $KAFKA_VERSION (KRaft, heap $KAFKA_HEAP)"
  kafka_start "$KAFKA_DIR" "$KAFKA_HEAP" || { fail kafka "the broker did not start" "$KAFKA_DIR/logs/console.log"; return 1; }
  kafka_wait "$KAFKA_DIR" "$KAFKA_PORT" "$TIMEOUT" \
    || { fail kafka "not ready" "$KAFKA_DIR/logs/console.log" "$KAFKA_DIR/logs/server.log"; return 1; }
  say "kafka: $KAFKA_VERSION (KRaft) ready on $HOST:$KAFKA_PORT (SASL_PLAINTEXT on $KAFKA_SASL_PORT)"
}

status_kafka() {
  if kafka_ready "$KAFKA_DIR" "$KAFKA_PORT"; then say "kafka: up on $HOST:$KAFKA_PORT"
  elif kafka_pid "$KAFKA_DIR" >/dev/null; then say "kafka: starting (pid $(kafka_pid "$KAFKA_DIR"), not ready yet)"; return 1
  else say "kafka: down"; return 1
  fi
}

# ============================================================================ main
stop_kafka() { need_root kafka; kafka_stop "$KAFKA_DIR"; say "kafka: stopped"; }
stop_postgres() { need_root postgres; pg_stop; }
stop_mariadb() { need_root mariadb; my_stop; }
stop_redis() { need_root redis; redis_stop; }
stop_elasticsearch() { es_stop; }

canon() {
  case "$1" in
    postgres|postgresql|pg) echo postgres ;;
    mariadb|mysql|my) echo mariadb ;;
    redis) echo redis ;;
    elasticsearch|es|elastic) echo elasticsearch ;;
    kafka) echo kafka ;;
    all) echo "${SERVICES_ALL[*]}" ;;
    *) return 1 ;;
  esac
}

main() {
  local action=ensure
  case "${1:-}" in
    start|ensure|up) action=ensure; shift ;;
    stop|down) action=stop; shift ;;
    restart) action=restart; shift ;;
    status) action=status; shift ;;
    -h|--help|help) sed -n '2,/^set -euo/p' "$SELF" | sed '$d; s/^# \{0,1\}//'; return 0 ;;
  esac
  local names=() n s
  for n in "$@"; do
    s=$(canon "$n") || { err "unknown service '$n' (known: ${SERVICES_ALL[*]})"; return 2; }
    for s in $s; do names+=("$s"); done
  done
  if [ "${#names[@]}" = 0 ]; then
    [ "$action" = ensure ] || [ "$action" = status ] || { err "usage: $0 $action NAME... (${SERVICES_ALL[*]})"; return 2; }
    names=("${SERVICES_ALL[@]}")
  fi

  if [ "$action" != status ]; then
    need_root "$action"
    exec 9>/tmp/cdc-services.lock
    flock -w 300 9 || { err "another scripts/services.sh run holds /tmp/cdc-services.lock"; return 1; }
  fi

  local failed=() rc
  for s in "${names[@]}"; do
    # each service in a subshell (one failure does not hide the others' state) that does not pass
    # the lock's fd 9 on: a server started there must not hold the lock after this script ends
    set +e
    case "$action" in
      ensure) (set -e; "ensure_$s") 9>&- ;;
      stop) (set -e; "stop_$s") 9>&- ;;
      restart) (set -e; "stop_$s" && "ensure_$s") 9>&- ;;
      status) (set -e; "status_$s") ;;
    esac
    rc=$?
    set -e
    [ "$rc" = 0 ] || failed+=("$s")
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    [ "$action" = status ] && return 3
    err "services: FAILED: ${failed[*]}"
    return 1
  fi
}

main "$@"
