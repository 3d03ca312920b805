#!/usr/bin/env bash
# What a transaction id in jdbc-trigger's MariaDB change log would cost: the capture triggers as the
# source writes them (txid NULL) vs the same triggers also looking the writing transaction up in
# information_schema.INNODB_TRX by CONNECTION_ID() (MariaDB gives a trigger no function for it), in
# the same run, on the MariaDB of scripts/services.sh. Each of CLIENTS sessions runs N single-row
# INSERT and N UPDATE statements, each its own transaction (autocommit), twice per variant.
# Usage: scripts/bench-jdbc-mariadb-txid.sh [N] [CLIENTS]   (defaults 5000 4)
set -euo pipefail
N=${1:-5000}
CLIENTS=${2:-4}
DB=cdc_bench_txid_$$
M=(mariadb -h127.0.0.1 -uroot)
"${M[@]}" -e "CREATE DATABASE $DB"
trap '"${M[@]}" -e "DROP DATABASE IF EXISTS $DB"' EXIT
"${M[@]}" "$DB" <<'SQL'
CREATE TABLE t (id BIGINT PRIMARY KEY, a INT, b VARCHAR(40));
CREATE TABLE log (id BIGINT AUTO_INCREMENT PRIMARY KEY, txid VARCHAR(40) NULL, tbl VARCHAR(200) NOT NULL,
  op CHAR(1) NOT NULL, ts DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), before_row LONGTEXT, after_row LONGTEXT);
DELIMITER //
CREATE PROCEDURE w(n INT, base BIGINT) BEGIN
  DECLARE i INT DEFAULT 0;
  WHILE i < n DO
    INSERT INTO t VALUES (base + i, i, 'x');
    UPDATE t SET a = a + 1 WHERE id = base + i;
    SET i = i + 1;
  END WHILE;
END//
DELIMITER ;
SQL
triggers() { # $1: the expression the triggers write as txid
  "${M[@]}" "$DB" -e "DROP TRIGGER IF EXISTS t_i; DROP TRIGGER IF EXISTS t_u;
    CREATE TRIGGER t_i AFTER INSERT ON t FOR EACH ROW INSERT INTO log (txid, tbl, op, ts, before_row, after_row)
      VALUES ($1, '$DB.t', 'c', UTC_TIMESTAMP(6), NULL, JSON_OBJECT('id', NEW.id, 'a', NEW.a, 'b', NEW.b));
    CREATE TRIGGER t_u AFTER UPDATE ON t FOR EACH ROW INSERT INTO log (txid, tbl, op, ts, before_row, after_row)
      VALUES ($1, '$DB.t', 'u', UTC_TIMESTAMP(6), JSON_OBJECT('id', OLD.id, 'a', OLD.a, 'b', OLD.b),
      JSON_OBJECT('id', NEW.id, 'a', NEW.a, 'b', NEW.b));"
}
run() { # $1: label; prints statements/s of all sessions together
  "${M[@]}" "$DB" -e "TRUNCATE t; TRUNCATE log"
  local t0 t1 with
  t0=$(date +%s.%N)
  for c in $(seq 1 "$CLIENTS"); do "${M[@]}" "$DB" -e "CALL w($N, $((c * 10000000)))" & done
  wait
  t1=$(date +%s.%N)
  with=$("${M[@]}" -N "$DB" -e "SELECT COUNT(txid) FROM log")
  printf '%s %8.0f statements/s (%s change-log rows with a txid)\n' "$1" \
    "$(echo "2 * $N * $CLIENTS / ($t1 - $t0)" | bc -l)" "$with"
}
echo "MariaDB $("${M[@]}" -N -e 'SELECT VERSION()'), $CLIENTS sessions x $N INSERT + $N UPDATE, autocommit:"
for round in 1 2; do
  triggers NULL
  run "  round $round, txid NULL (as shipped):           "
  triggers "(SELECT trx_id FROM information_schema.INNODB_TRX WHERE trx_mysql_thread_id = CONNECTION_ID())"
  run "  round $round, txid from INNODB_TRX:             "
done
