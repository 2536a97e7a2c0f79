#!/bin/sh
# End-to-end SMTP load run: 20 connections, 4 KiB messages, 5,000 messages to 10 local
# users, delivered into Maildirs with the full durability path (fsync file + dir, queue row
# commit, Maildir fsync). Prints msgs/s and the server's peak RSS. Release build.
# SIEVE=FILE makes FILE every user's active Sieve script; MESSAGE=FILE sends that message
# instead of a generated one (examples/sieve-load.sh uses both).
# DATABASE_URL=postgres://... runs the server on that (empty) PostgreSQL database instead of
# SQLite; SKIP_BUILD=1 uses the binaries as built (examples/pg-vs-sqlite.sh uses both).
set -eu
# PROFILE=debug for a quick functional run; figures only mean something in release.
PROFILE=${PROFILE:-release}
if [ -n "${SKIP_BUILD:-}" ]; then :
elif [ "$PROFILE" = release ]; then cargo build --release --quiet --bin mailctl --example smtp_load
else cargo build --quiet --bin mailctl --example smtp_load; fi
BIN=target/$PROFILE/mailctl
DIR=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
if [ -n "${DATABASE_URL:-}" ]; then echo "$DATABASE_URL" > "$DIR/database.url"; fi
$BIN --data-dir "$DIR" domain add load.test --create >/dev/null
i=0
while [ $i -lt 10 ]; do
  echo "load-password-$i" | $BIN --data-dir "$DIR" user add "user$i@load.test" --password-stdin >/dev/null
  if [ -n "${SIEVE:-}" ]; then
    $BIN --data-dir "$DIR" -q sieve put "user$i@load.test" load "$SIEVE" --activate
  fi
  i=$((i + 1))
done
$BIN --data-dir "$DIR" config set server.user '' >/dev/null
# No wait before port 25's greeting (smtp.greet_wait, 2s by default): the load clients open 20
# connections, and the run measures message throughput, not a spam-bot trap.
$BIN --data-dir "$DIR" config set smtp.greet_wait 0 >/dev/null
# This run measures accepting and delivering, so the inbound checks (on by default) are turned
# off, and DNS points at a dead loopback port so nothing is asked outside this machine. Their
# cost is measured against a loopback DNS server with signed mail, not here.
$BIN --data-dir "$DIR" config set inbound.checks false >/dev/null
$BIN --data-dir "$DIR" config set dns.nameserver 127.0.0.1:9 >/dev/null
$BIN --data-dir "$DIR" -q serve smtp --allow-root --listen smtp=127.0.0.1:0 --listen submission=127.0.0.1:0 2>"$DIR/log" &
PID=$!
for _ in $(seq 1 100); do grep -q '^listening smtp' "$DIR/log" 2>/dev/null && break; sleep 0.1; done
ADDR=$(grep '^listening smtp ' "$DIR/log" | awk '{print $3}')
START=$(date +%s.%N)
target/$PROFILE/examples/smtp_load --addr "$ADDR" --to 'user{}@load.test' --users 10 \
  --connections 20 --messages "${MESSAGES:-5000}" --size 4096 --pid "$PID" \
  ${MESSAGE:+--message "$MESSAGE"}
# Wait (bounded) for local delivery to drain, then count what landed.
for _ in $(seq 1 300); do [ -z "$(ls -A "$DIR/queue")" ] && break; sleep 0.1; done
END=$(date +%s.%N)
# new/ and cur/ of every folder: a script may flag (cur/) or file (folders) the copies.
N=$(find "$DIR/mail" \( -path '*/new/*' -o -path '*/cur/*' \) -type f | wc -l)
echo "delivered into Maildirs: $N; end to end (accept + deliver): $(awk "BEGIN{printf \"%d\", $N/($END-$START)}") msgs/s"
grep VmHWM "/proc/$PID/status" | sed 's/VmHWM:/server peak RSS after delivery:/'
