#!/bin/sh
# What the inbound checks cost (#18): the end-to-end SMTP load of smtp-load.sh (20
# connections, 5,000 DKIM-signed 4 KiB messages from remote.test to 10 local users, delivered
# into Maildirs) run twice against the same server setup, with `inbound.checks` off and on.
# With checks on every message gets iprev, a DNSBL lookup, SPF for HELO and MAIL FROM, DKIM
# verification, ARC and DMARC, all against a loopback DNS server (examples/inbound_world.rs)
# and through the pipeline's DNS cache. Prints msgs/s for both and the ratio. Release build.
set -eu
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --quiet --bin mailctl --example smtp_load --example inbound_world
else cargo build --quiet --bin mailctl --example smtp_load --example inbound_world; fi
BIN=target/$PROFILE/mailctl
WORK=$(mktemp -d)
PID=""
WORLD=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$WORLD" ] && kill "$WORLD" 2>/dev/null; rm -rf "$WORK"' EXIT
target/$PROFILE/examples/inbound_world --message "$WORK/msg.eml" --size 4096 > "$WORK/world" 2>&1 &
WORLD=$!
for _ in $(seq 1 100); do grep -q '^dns ' "$WORK/world" 2>/dev/null && break; sleep 0.1; done
NS=$(awk '/^dns /{print $2}' "$WORK/world")

run() { # $1 = true|false
  # Each run starts with the previous one's writes on disk, so it does not pay for them.
  sync; sleep 2
  DIR="$WORK/data-$1"
  $BIN --data-dir "$DIR" domain add load.test --create >/dev/null
  i=0
  while [ $i -lt 10 ]; do
    echo "load-password-$i" | $BIN --data-dir "$DIR" user add "user$i@load.test" --password-stdin >/dev/null
    i=$((i + 1))
  done
  for kv in "server.user=" "hostname=mx.load.test" "dns.nameserver=$NS" "dnsbl.zones=bl.test" \
            "dnswl.zones=" "smtp.greet_wait=0" "inbound.checks=$1"; do
    $BIN --data-dir "$DIR" config set "${kv%%=*}" "${kv#*=}" >/dev/null
  done
  $BIN --data-dir "$DIR" -q serve smtp --allow-root --listen smtp=127.0.0.1:0 --listen submission=127.0.0.1:0 --listen submissions=127.0.0.1:0 2>"$DIR.log" &
  PID=$!
  for _ in $(seq 1 100); do grep -q '^listening smtp ' "$DIR.log" 2>/dev/null && break; sleep 0.1; done
  ADDR=$(grep '^listening smtp ' "$DIR.log" | awk '{print $3}')
  START=$(date +%s.%N)
  target/$PROFILE/examples/smtp_load --addr "$ADDR" --to 'user{}@load.test' --users 10 \
    --connections 20 --messages "${MESSAGES:-5000}" --message "$WORK/msg.eml" --pid "$PID" | sed "s/^/checks $1: /"
  for _ in $(seq 1 300); do [ -z "$(ls -A "$DIR/queue")" ] && break; sleep 0.1; done
  END=$(date +%s.%N)
  N=$(find "$DIR/mail" -path '*/new/*' -type f | wc -l)
  RATE=$(awk "BEGIN{printf \"%d\", $N/($END-$START)}")
  echo "checks $1: delivered $N; end to end $RATE msgs/s"
  if [ "$1" = true ]; then
    F=$(find "$DIR/mail" -path '*/new/*' -type f | head -1)
    grep -m1 -A6 '^Authentication-Results:' "$F" | sed "s/^/checks $1: /"
  fi
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  rm -rf "$DIR"
  eval "RATE_$1=$RATE"
}
run false
run true
echo "inbound checks keep $(awk "BEGIN{printf \"%d\", 100*$RATE_true/$RATE_false}")% of the throughput"
