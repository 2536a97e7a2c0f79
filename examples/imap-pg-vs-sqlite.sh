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
# TOP (statements listed, 10), KEEP=1 keeps the temp dir (imaptest outputs, server logs).
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
if [ -z "${BIN:-}" ]; then
  if [ "$PROFILE" = release ]; then cargo build --release --quiet --bin mailctl
  else cargo build --quiet --bin mailctl; fi
  BIN=$PWD/target/$PROFILE/mailctl
fi

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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PGPORT=$(free_port)
as_pg "$PGBIN/initdb" -D "$PG/data" -U postgres --auth-local=trust --auth-host=trust \
  -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PG/data" -l "$PG/log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PG -c max_connections=200 -c shared_preload_libraries=pg_stat_statements" start >/dev/null
psql_() { _db=$1; shift; as_pg "$PGBIN/psql" -X -q -h "$PG" -p "$PGPORT" -U postgres "$@" "$_db"; }

# The messages every INBOX starts with, and imaptest's APPEND source (an mbox): the same as
# examples/imap-vs-dovecot.sh's.
python3 - "$DIR" "$MSGS" <<'EOF'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d + "/msgs")
with open(d + "/append.mbox", "wb") as mbox:
    for i in range(200):
        body = ("line %d of a message with some words in it, lorem ipsum dolor\r\n" % i) * (20 + i % 60)
        m = ("From: Sender %d <s%d@example.org>\r\nTo: u@bench.test\r\nSubject: message %d\r\n"
             "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <%d@bench.test>\r\n"
             "Content-Type: text/plain; charset=us-ascii\r\n\r\n%s" % (i, i, i, i, body)).encode()
        if i < n:
            pre = m.replace(b"<%d@bench.test>" % i, b"<pre%d@bench.test>" % i)
            open("%s/msgs/%d.M%dP1.bench,S=%d" % (d, 1796000000 + i, i, len(pre)), "wb").write(pre)
        mbox.write(b"From s%d@example.org Tue Dec  1 10:00:00 2026\n" % i + m.replace(b"\r\n", b"\n") + b"\n")
EOF

fill() { # fill MAILDIR: an INBOX holding the same $MSGS messages
  mkdir -p "$1/cur" "$1/tmp" "$1/new"
  cp "$DIR"/msgs/* "$1/new/"
}

# The password hash every user gets, made with the setup's cost on a scratch SQLite dir.
H=$DIR/hash
$BIN --data-dir "$H" domain add bench.test --create >/dev/null
if [ "$SETUP" = cheap ]; then
  $BIN --data-dir "$H" config set auth.argon2_memory 1M >/dev/null
  $BIN --data-dir "$H" config set auth.argon2_iterations 1 >/dev/null
fi
echo "$PASS" | $BIN --data-dir "$H" user add u@bench.test --password-stdin >/dev/null
HASH=$(sqlite3 "$H/mailctl.db" "SELECT password FROM users WHERE address = 'u@bench.test'")

start_mailctl() { # URL (empty: SQLite)
  M=$DIR/mailctl
  rm -rf "$M"
  mkdir -p "$M"
  [ -n "$1" ] && echo "$1" >"$M/database.url"
  $BIN --data-dir "$M" domain add bench.test --create >/dev/null
  for k in "server.user=" "auth.plaintext=loopback" "dns.nameserver=127.0.0.1:9" \
           "limits.max_connections_per_ip=1000" "imap.max_connections_per_user=100"; do
    $BIN --data-dir "$M" config set "${k%%=*}" "${k#*=}" >/dev/null
  done
  [ "$SETUP" = default ] || $BIN --data-dir "$M" config set auth.cache_ttl 0 >/dev/null
  i=1
  while [ $i -le $USERS ]; do
    $BIN --data-dir "$M" user add "u$i@bench.test" --password-hash "$HASH" >/dev/null
    fill "$M/mail/bench.test/u$i"
    i=$((i + 1))
  done
  MIMAP=$(free_port); MPOP=$(free_port)
  $BIN --data-dir "$M" -q serve imap pop3 --allow-root --listen "imap=127.0.0.1:$MIMAP" \
    --listen imaps=127.0.0.1:0 --listen "pop3=127.0.0.1:$MPOP" --listen pop3s=127.0.0.1:0 2>"$DIR/mailctl-$2.log" &
  MPID=$!
  for _ in $(seq 1 100); do grep -q "^listening pop3 " "$DIR/mailctl-$2.log" 2>/dev/null && break; sleep 0.1; done
}

stop_mailctl() { kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null || true; MPID=""; }

# imaptest PORT TAG -> IMAP commands in total (the sum of imaptest's per-command totals)
run_imaptest() {
  out=$DIR/imaptest-$2.out
  timeout $((SECS + 60)) "$IMAPTEST" host=127.0.0.1 port="$1" user='u%d@bench.test' pass="$PASS" \
    users=$USERS clients=20 secs="$SECS" mbox="$DIR/append.mbox" >"$out" 2>&1 || true
  # After "Totals:": the command names, two lines of percentages, then each command's count.
  awk '/^Totals:/{getline; getline; getline; getline; s=0; for (i=1;i<=NF;i++) s+=$i; print s; exit}' "$out"
}

# pop3 PORT -> messages RETRieved in total (10 processes, each its own user, SECS seconds)
run_pop3() {
  timeout $((SECS + 60)) python3 - "$1" "$SECS" "$PASS" <<'EOF'
import multiprocessing, poplib, sys, time
port, secs, pw = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
def client(i, q):
    n, end = 0, time.time() + secs
    while time.time() < end:
        p = poplib.POP3("127.0.0.1", port, timeout=30)
        p.user("u%d@bench.test" % i); p.pass_(pw)
        count = len(p.list()[1])
        for k in range(1, count + 1):
            p.retr(k); n += 1
            if time.time() >= end: break
        p.quit()
    q.put(n)
q = multiprocessing.Queue()
ps = [multiprocessing.Process(target=client, args=(i, q)) for i in range(1, 11)]
for p in ps: p.start()
total = sum(q.get(timeout=secs + 50) for _ in ps)
for p in ps: p.join(10)
print(total)
EOF
}

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
      URL="postgres://postgres@127.0.0.1:$PGPORT/$db"
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
echo "setup $SETUP, $PAIRS pairs alternated, loopback, $(nproc) cores, $BIN"
awk '{ i[$1] += $2; p[$1] += $3; c[$1]++ }
     END { li = i["sqlite"] / c["sqlite"]; pi = i["postgres"] / c["postgres"];
           lp = p["sqlite"] / c["sqlite"]; pp = p["postgres"] / c["postgres"];
           printf "%-6s | %14s | %14s | %s\n", "", "SQLite", "PostgreSQL", "PostgreSQL/SQLite";
           printf "%-6s | %10d /s | %10d /s | %.2f\n", "IMAP", li, pi, (li > 0 ? pi / li : 0);
           printf "%-6s | %10d /s | %10d /s | %.2f\n", "POP3", lp, pp, (lp > 0 ? pp / lp : 0) }' "$OUT"
