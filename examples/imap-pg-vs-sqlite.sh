#!/bin/sh
# The IMAP and POP3 load of examples/imap-vs-dovecot.sh (same users, messages, imaptest stress
# profile and POP3 RETR clients; no Dovecot) against one `serve` on a fresh SQLite data dir and
# one on a fresh database of a PostgreSQL started here (issue 21's "PostgreSQL may cost at most
# 30 %"), alternated PAIRS times in the same minutes. Prints imaptest commands/s, POP3
# messages/s, the PostgreSQL / SQLite ratio of the means, and after each PostgreSQL run the
# statements it ran most (pg_stat_statements) per IMAP command and per POP3 message, with
# the transactions per command / message.
#
# PostgreSQL runs with its defaults (fsync on, synchronous_commit on), initdb + pg_ctl in a
# temp dir on a loopback port, as the `postgres` user when run as root (as
# examples/pg-vs-sqlite.sh does). Everything listens on 127.0.0.1, every wait is bounded, the
# servers are stopped and the temp dirs removed on exit.
#
# Needs: Debian's postgresql 15, and imaptest (IMAPTEST, default
# /work/shared/imaptest/bin/imaptest, see /work/shared/imaptest/README.md).
# Env: SECS (default 15), PAIRS (default 2), SETUP (cheap: argon2id m=1 MiB t=1 with the auth
# cache off, as imap-vs-dovecot.sh's "cheap"; default: argon2id 19 MiB with the cache on, as
# it ships; default "default"), PROFILE (release), BIN (a binary as it is: nothing is built),
# TOP (statements listed, 10), PG_SETTINGS (more `-c name=value` for the PostgreSQL server),
# PG_SOCKET=1 (mailctl reaches PostgreSQL over its Unix socket, as a PostgreSQL on the same
# host is usually reached, instead of TCP on 127.0.0.1, as a cluster's nodes reach theirs),
# KEEP=1 keeps the temp dir (imaptest outputs, server logs).
set -eu
IMAPTEST=${IMAPTEST:-/work/shared/imaptest/bin/imaptest}
SECS=${SECS:-15}
PAIRS=${PAIRS:-2}
SETUP=${SETUP:-default}
PROFILE=${PROFILE:-release}
TOP=${TOP:-10}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
USERS=20
MSGS=20
PASS=bench-password
[ -x "$IMAPTEST" ] || { echo "imaptest not found at $IMAPTEST (set IMAPTEST)" >&2; exit 2; }
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 is not installed ($PGBIN/initdb): apt-get install postgresql" >&2; exit 2; }
[ "$SECS" -ge 1 ] && [ "$SECS" -le 600 ] || { echo "SECS: 1..600" >&2; exit 2; }
[ "$PAIRS" -ge 1 ] && [ "$PAIRS" -le 20 ] || { echo "PAIRS: 1..20" >&2; exit 2; }
case $SETUP in cheap|default) ;; *) echo "SETUP: cheap or default" >&2; exit 2 ;; esac
# The load and the mailctl setup, shared with examples/imap-vs-dovecot.sh.
. "$(dirname "$0")/lib/imap-load.sh"
build_bin

DIR=$(mktemp -d /tmp/imap-pg-vs-sqlite.XXXXXX)
chmod 755 "$DIR"
PG=$DIR/pg
mkdir "$PG"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$PG"
MPID=""
cleanup() {
  [ -n "$MPID" ] && kill "$MPID" 2>/dev/null && wait "$MPID" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null 2>&1 || true
  if [ -n "${KEEP:-}" ]; then echo "kept $DIR" >&2; else rm -rf "$DIR"; fi
}
trap cleanup EXIT INT TERM

PGPORT=$(free_port)
as_pg "$PGBIN/initdb" -D "$PG/data" -U postgres --auth-local=trust --auth-host=trust \
  -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG -c max_connections=200 -c shared_preload_libraries=pg_stat_statements ${PG_SETTINGS:-}" start >/dev/null
psql_() { _db=$1; shift; as_pg "$PGBIN/psql" -X -q -h "$PG" -p "$PGPORT" -U postgres "$@" "$_db"; }

# The messages every INBOX starts with, and imaptest's APPEND source.
make_messages

# The password hash every user gets, made with the setup's cost on a scratch SQLite dir.
HASH=$(make_hash "$SETUP")

start_mailctl() { # URL (empty: SQLite) TAG
  M=$DIR/mailctl
  rm -rf "$M"
  mkdir -p "$M"
  [ -n "$1" ] && echo "$1" >"$M/database.url"
  mailctl_users "$BIN" "$M" "$SETUP" "$HASH"
  mailctl_serve "$BIN" "$M" "$DIR/mailctl-$2.log"
}

# imaptest PORT TAG -> IMAP commands in total (the sum of imaptest's per-command totals)
run_imaptest() { imaptest_total "$1" "$DIR/imaptest-$2.out"; }

# pop3 PORT -> messages RETRieved in total (10 processes, each its own user, SECS seconds)
run_pop3() { pop3_load "$1" total; }

# The statements PostgreSQL ran most since the last reset, per UNIT (IMAP commands or POP3
# messages, COUNT of them), with the transactions per unit.
pg_top() { # DB COUNT UNIT
  [ "${2:-0}" -gt 0 ] || return 0
  psql_ "$1" -At -c "SELECT '  transactions per $3: ' || round(xact_commit::numeric / $2, 2)
    FROM pg_stat_database WHERE datname = '$1'"
  psql_ "$1" -At -F ' | ' -c "SELECT '  ' || round(calls::numeric / $2, 3), round(mean_exec_time::numeric, 3),
      left(regexp_replace(query, '\s+', ' ', 'g'), 110)
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$1'
    ORDER BY calls DESC LIMIT $TOP"
  psql_ "$1" -At -c "SELECT '  statements per $3: ' || round(sum(calls)::numeric / $2, 2)
    FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$1'"
}

# CPU seconds (user + system) of the server, and of the PostgreSQL server's processes (the
# postmaster and its backends; a backend that exited takes its share with it, but the
# pooled connections live as long as the server): where the time goes when both share the
# same cores.
cpu_of() { # PID... -> seconds
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null; done |
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); s += $12 + $13 } END { printf "%.2f", s / hz }'
}
pg_pids() { pm=$(head -1 "$PG/data/postmaster.pid"); echo "$pm" $(ps -o pid= --ppid "$pm"); }

pg_reset() { # DB
  psql_ "$1" -At -c "SELECT pg_stat_statements_reset(), pg_stat_reset()" >/dev/null
}

OUT=$DIR/results
: >"$OUT"
n=1
while [ "$n" -le "$PAIRS" ]; do
  for engine in sqlite postgres; do
    URL=""
    if [ $engine = postgres ]; then
      db=bench_$n
      psql_ postgres -c "CREATE DATABASE $db"
      psql_ "$db" -c "CREATE EXTENSION pg_stat_statements"
      if [ -n "${PG_SOCKET:-}" ]; then
        URL="postgres://postgres@$(printf %s "$PG" | sed 's,/,%2F,g'):$PGPORT/$db"
      else
        URL="postgres://postgres@127.0.0.1:$PGPORT/$db"
      fi
    fi
    start_mailctl "$URL" "$engine-$n"
    [ $engine = postgres ] && pg_reset "$db"
    m0=$(cpu_of "$MPID"); p0=$(cpu_of $(pg_pids))
    cmds=$(run_imaptest "$MIMAP" "$engine-$n")
    cmds=${cmds:-0}
    m1=$(cpu_of "$MPID"); p1=$(cpu_of $(pg_pids))
    awk -v c="$cmds" -v m="$m0 $m1" -v p="$p0 $p1" -v e=$engine 'BEGIN { split(m, a, " "); split(p, b, " ");
      if (c > 0) printf "pair %s %s IMAP CPU per command: mailctl %.3f ms, PostgreSQL %.3f ms\n", '"$n"', e,
        (a[2] - a[1]) * 1000 / c, (e == "postgres" ? (b[2] - b[1]) * 1000 / c : 0) }'
    if [ $engine = postgres ]; then
      echo "pair $n postgres IMAP: statements per IMAP command (calls, mean ms, statement)"
      pg_top "$db" "$cmds" "IMAP command"
      pg_reset "$db"
    fi
    msgs=$(run_pop3 "$MPOP")
    msgs=${msgs:-0}
    if [ $engine = postgres ]; then
      echo "pair $n postgres POP3: statements per message RETRieved"
      pg_top "$db" "$msgs" "POP3 message"
    fi
    stop_mailctl
    errors=$(grep -c '^Error: ' "$DIR/imaptest-$engine-$n.out" || true)
    imap_s=$(awk "BEGIN{printf \"%d\", $cmds/$SECS}")
    pop_s=$(awk "BEGIN{printf \"%d\", $msgs/$SECS}")
    echo "pair $n $engine: IMAP $imap_s commands/s ($errors imaptest errors), POP3 $pop_s messages/s"
    echo "$engine $imap_s $pop_s" >>"$OUT"
  done
  n=$((n + 1))
done
echo
echo "imaptest stress: $USERS users, 20 clients, $SECS s; POP3 RETR: 10 clients, $SECS s;"
echo "setup $SETUP, $PAIRS pairs alternated, $([ -n "${PG_SOCKET:-}" ] && echo "PostgreSQL over its Unix socket" || echo "PostgreSQL over TCP loopback"), $(nproc) cores, $BIN"
awk '{ i[$1] += $2; p[$1] += $3; c[$1]++ }
     END { li = i["sqlite"] / c["sqlite"]; pi = i["postgres"] / c["postgres"];
           lp = p["sqlite"] / c["sqlite"]; pp = p["postgres"] / c["postgres"];
           printf "%-6s | %14s | %14s | %s\n", "", "SQLite", "PostgreSQL", "PostgreSQL/SQLite";
           printf "%-6s | %10d /s | %10d /s | %.2f\n", "IMAP", li, pi, (li > 0 ? pi / li : 0);
           printf "%-6s | %10d /s | %10d /s | %.2f\n", "POP3", lp, pp, (lp > 0 ? pp / lp : 0) }' "$OUT"
