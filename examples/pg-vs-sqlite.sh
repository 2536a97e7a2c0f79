#!/bin/sh
# PostgreSQL against SQLite on one node (issue 21's benchmark): the end-to-end SMTP load of
# examples/smtp-load.sh (20 connections, 4 KiB messages to 10 local users, delivered into
# Maildirs with every fsync), run PAIRS times alternately on a fresh SQLite data directory
# and on a fresh database of a PostgreSQL started here, on this machine, in this run.
# Prints each run's figures and the PostgreSQL / SQLite ratio of the means.
#
# PostgreSQL runs with its defaults (fsync on, synchronous_commit on): the durability a
# deployment has, as SQLite's synchronous=FULL is. initdb + pg_ctl in a temp dir, on a
# loopback port, as the `postgres` user when run as root (PostgreSQL refuses root).
# Needs Debian's postgresql 15. Release build (built once here unless SKIP_BUILD=1).
#   PAIRS=3 MESSAGES=3000 sh examples/pg-vs-sqlite.sh
# After each PostgreSQL run: its transactions per message, and the statements it ran most
# (pg_stat_statements, TOP=12 of them) with their calls per message and mean server time.
# Then examples/pg_contention against the same server: UID assignment and queue claims from
# 1, 3 and 10 connections (the database's share of what several nodes contend for).
# With a PostgreSQL core the mailbox index is in the same database (as on a node of several),
# so each delivery's UIDs are assigned there too. Not measured here: the IMAP load
# (examples/imap-pg-vs-sqlite.sh).
set -eu
PAIRS=${PAIRS:-3}
export MESSAGES=${MESSAGES:-3000}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 is not installed ($PGBIN/initdb): apt-get install postgresql" >&2; exit 1; }
PROFILE=${PROFILE:-release}
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release --quiet --bin mailctl --example smtp_load --example pg_contention
fi
PG=$(mktemp -d /tmp/mailctl-bench-pg.XXXXXX)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG"
trap 'as_pg "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PG"' EXIT
as_pg "$PGBIN/initdb" -D "$PG/data" -U postgres --auth-local=trust --auth-host=trust \
  -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PG -c max_connections=200 -c shared_preload_libraries=pg_stat_statements" start >/dev/null
OUT="$PG/results"
: > "$OUT"
n=1
while [ $n -le "$PAIRS" ]; do
  for engine in sqlite postgres; do
    if [ $engine = postgres ]; then
      as_pg "$PGBIN/psql" -q -h "$PG" -p "$PORT" -U postgres -c "CREATE DATABASE bench_$n" postgres
      as_pg "$PGBIN/psql" -q -h "$PG" -p "$PORT" -U postgres -c "CREATE EXTENSION pg_stat_statements" "bench_$n"
      URL="postgres://postgres@127.0.0.1:$PORT/bench_$n"
    else
      URL=""
    fi
    line=$(SKIP_BUILD=1 DATABASE_URL=$URL sh examples/smtp-load.sh 2>&1 | tee -a /dev/stderr \
      | sed -n 's/.*end to end (accept + deliver): \([0-9]*\) msgs\/s.*/\1/p')
    echo "pair $n $engine: ${line:-?} msgs/s end to end"
    if [ $engine = postgres ]; then
      # Transactions (each statement outside one counts as one) per message: the round
      # trips and WAL flushes a message costs the shared database.
      as_pg "$PGBIN/psql" -At -h "$PG" -p "$PORT" -U postgres -c \
        "SELECT 'transactions per message: ' || round(xact_commit::numeric / $MESSAGES, 1) FROM pg_stat_database WHERE datname = 'bench_$n'" postgres
      # Where the round trips go: the statements run most often, per message, with their
      # mean time in the server (ms).
      as_pg "$PGBIN/psql" -At -F ' | ' -h "$PG" -p "$PORT" -U postgres -c \
        "SELECT round(calls::numeric / $MESSAGES, 2), round(mean_exec_time::numeric, 3), left(regexp_replace(query, '\s+', ' ', 'g'), 110)
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'bench_$n'
         ORDER BY calls DESC LIMIT ${TOP:-12}" "bench_$n"
    fi
    echo "$engine ${line:-0}" >> "$OUT"
  done
  n=$((n + 1))
done
[ "$PAIRS" -gt 0 ] && awk '{ s[$1] += $2; c[$1]++ }
     END { l = s["sqlite"] / c["sqlite"]; p = s["postgres"] / c["postgres"];
           printf "mean end to end: SQLite %d msgs/s, PostgreSQL %d msgs/s, PostgreSQL/SQLite %.2f\n", l, p, p / l }' "$OUT"
as_pg "$PGBIN/psql" -q -h "$PG" -p "$PORT" -U postgres -c "CREATE DATABASE contention" postgres
target/$PROFILE/examples/pg_contention --url "postgres://postgres@127.0.0.1:$PORT/contention"
