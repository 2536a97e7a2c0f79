#!/bin/sh
# Outbound delivery load run: 2,000 messages of 4 KiB submitted to instance A (127.0.0.2),
# which relays them to instance B (127.0.0.3) through its outbound queue; B delivers them into
# Maildirs. Prints messages per second from the first submission until B holds them all, and
# how many SMTP connections A opened. Loopback only; bounded in count and time. Release build.
#
# A uses relay.mode=relay (relay.tls=none, loopback) so no DNS server is needed: the transfer
# path (queue claim, SMTP client, per-recipient results, queue bookkeeping) is the one MX
# delivery uses; only the MX lookup is skipped.
set -eu
PROFILE=${PROFILE:-release}
MESSAGES=${MESSAGES:-2000}
if [ "$PROFILE" = release ]; then cargo build --release --quiet --bin mailctl --example smtp_load
else cargo build --quiet --bin mailctl --example smtp_load; fi
BIN=target/$PROFILE/mailctl
A=$(mktemp -d); B=$(mktemp -d)
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$A" "$B"; [ -n "${KEEP:-}" ] && echo "kept $A $B"' EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.3",0)); print(s.getsockname()[1])')

$BIN --data-dir "$B" domain add b.test --create >/dev/null
i=0
while [ $i -lt 10 ]; do
  $BIN --data-dir "$B" user add "user$i@b.test" --random-password >/dev/null
  i=$((i + 1))
done
$BIN --data-dir "$B" config set mynetworks 127.0.0.0/8 >/dev/null
# Both instances measure delivery: the inbound checks (on by default, and asking DNS even for
# mynetworks) are off, and DNS points at a dead loopback port so nothing leaves this machine.
$BIN --data-dir "$B" config set inbound.checks false >/dev/null
$BIN --data-dir "$B" config set dns.nameserver 127.0.0.1:9 >/dev/null
$BIN --data-dir "$B" config set server.user '' >/dev/null
# mynetworks is never made to wait before the greeting, but say it: the run measures transfer
# throughput, and a 2s smtp.greet_wait per connection would swamp it if mynetworks changed.
$BIN --data-dir "$B" config set smtp.greet_wait 0 >/dev/null
$BIN --data-dir "$B" -q serve smtp --allow-root --listen "smtp=127.0.0.3:$PORT" \
  --listen submission=127.0.0.3:0 2>"$B/log" &
PIDS="$PIDS $!"

$BIN --data-dir "$A" domain add a.test --create >/dev/null
for kv in "relay.mode relay" "relay.host 127.0.0.3" "relay.port $PORT" "relay.tls none" \
          "mynetworks 127.0.0.0/8" "dns.nameserver 127.0.0.1:9" "hostname mail.a.test" \
          "smtp.greet_wait 0" "inbound.checks false"; do
  # shellcheck disable=SC2086
  $BIN --data-dir "$A" config set $kv >/dev/null
done
$BIN --data-dir "$A" config set server.user '' >/dev/null
$BIN --data-dir "$A" serve smtp --allow-root --listen smtp=127.0.0.2:0 --listen submission=127.0.0.2:0 2>"$A/log" &
APID=$!
PIDS="$PIDS $APID"
for _ in $(seq 1 100); do grep -q '^listening smtp' "$A/log" 2>/dev/null && grep -q '^listening smtp' "$B/log" && break; sleep 0.1; done
ADDR=$(grep '^listening smtp ' "$A/log" | awk '{print $3}')
if [ -z "$ADDR" ] || ! grep -q '^listening smtp' "$B/log"; then
  echo "an instance did not start:"; cat "$A/log" "$B/log"; exit 1
fi

START=$(date +%s.%N)
target/$PROFILE/examples/smtp_load --addr "$ADDR" --to 'user{}@b.test' --users 10 \
  --connections 20 --messages "$MESSAGES" --size 4096 --pid "$APID" >/dev/null
SUBMITTED=$(date +%s.%N)
N=0
for _ in $(seq 1 1200); do
  N=$(find "$B/mail" -path '*/new/*' -type f 2>/dev/null | wc -l)
  [ "$N" -ge "$MESSAGES" ] && break
  sleep 0.1
done
END=$(date +%s.%N)
CONNS=$(grep -c 'outbound delivery' "$A/log" || true)
echo "delivered to the second instance: $N of $MESSAGES"
echo "end to end (submit to A, relay A->B, deliver in B): $(awk "BEGIN{printf \"%d\", $N/($END-$START)}") msgs/s"
echo "  of which submission into A's queue: $(awk "BEGIN{printf \"%.1f\", $SUBMITTED-$START}") s, relaying and delivery after it: $(awk "BEGIN{printf \"%.1f\", $END-$SUBMITTED}") s"
echo "SMTP transactions A opened to B: $CONNS (one connection per message: no connection reuse yet)"
grep VmHWM "/proc/$APID/status" | sed 's/VmHWM:/instance A peak RSS:/'
