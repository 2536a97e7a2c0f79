#!/bin/sh
# mailctl against Debian's Dovecot on the same machine, same users, same messages, same load:
#   - imaptest's stress profile (20 clients, SECS seconds, the same options on both): commands/s
#     and the errors imaptest reports;
#   - POP3 RETR load: 10 clients, each logging in as its own user, RETR of every message, QUIT,
#     again until SECS seconds are over: messages/s;
# in three password setups:
#   cheap    both verify the same argon2id hash of m=1 MiB, t=1, mailctl's auth cache off;
#   argon2id both verify the same argon2id hash of m=19 MiB, t=2 (OWASP), mailctl's cache off;
#   default  each as it ships for this bench: Dovecot {PLAIN}, mailctl argon2id 19 MiB with its
#            authentication cache on (auth.cache_ttl 1h).
# Prints one table. Everything listens on 127.0.0.1 only, every wait is bounded, both servers are
# stopped and the temp dir removed on exit.
#
# Needs: Debian's dovecot-imapd and dovecot-pop3d (apt-get install dovecot-imapd dovecot-pop3d;
# this script does not install anything and the test suite does not use Dovecot), and imaptest,
# which Debian does not package: IMAPTEST (default /work/shared/imaptest/bin/imaptest, a build
# described in /work/shared/imaptest/README.md). Run as root (Dovecot's privilege separation);
# the Maildirs belong to `nobody`, since Dovecot refuses mail access as uid 0.
# Env: SECS (default 30), SETUPS (default "cheap argon2id default"), PROFILE (release), BIN,
# BASE (a second mailctl binary, e.g. a build of main: run between Dovecot and BIN in each
# setup, so all three are measured in the same minutes on a busy machine; its columns are
# added to the table), KEEP=1 keeps the temp dir (imaptest outputs, server logs).
set -eu
IMAPTEST=${IMAPTEST:-/work/shared/imaptest/bin/imaptest}
SECS=${SECS:-30}
SETUPS=${SETUPS:-cheap argon2id default}
PROFILE=${PROFILE:-release}
USERS=20
MSGS=20
PASS=bench-password
[ -x "$IMAPTEST" ] || { echo "imaptest not found at $IMAPTEST (set IMAPTEST)" >&2; exit 2; }
command -v dovecot >/dev/null || { echo "dovecot not installed: apt-get install dovecot-imapd dovecot-pop3d" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (Dovecot drops to its own users)" >&2; exit 2; }
[ "$SECS" -ge 1 ] && [ "$SECS" -le 600 ] || { echo "SECS: 1..600" >&2; exit 2; }
# BIN=path: that binary as it is (e.g. a base build to compare with), nothing is built.
if [ -z "${BIN:-}" ]; then
  if [ "$PROFILE" = release ]; then cargo build --release --quiet --bin mailctl
  else cargo build --quiet --bin mailctl; fi
  BIN=$PWD/target/$PROFILE/mailctl
fi

DIR=$(mktemp -d /tmp/imap-vs-dovecot.XXXXXX)
chmod 755 "$DIR"
MPID=""
DCONF=""
cleanup() {
  [ -n "$MPID" ] && kill "$MPID" 2>/dev/null && wait "$MPID" 2>/dev/null || true
  [ -n "$DCONF" ] && dovecot -c "$DCONF" stop 2>/dev/null || true
  if [ -n "${KEEP:-}" ]; then echo "kept $DIR" >&2; else rm -rf "$DIR"; fi
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The messages every INBOX starts with, and imaptest's APPEND source (an mbox).
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
            # imaptest knows messages by Message-ID: the pre-filled ones get their own.
            pre = m.replace(b"<%d@bench.test>" % i, b"<pre%d@bench.test>" % i)
            open("%s/msgs/%d.M%dP1.bench,S=%d" % (d, 1796000000 + i, i, len(pre)), "wb").write(pre)
        mbox.write(b"From s%d@example.org Tue Dec  1 10:00:00 2026\n" % i + m.replace(b"\r\n", b"\n") + b"\n")
EOF

fill() { # fill MAILDIR: an INBOX holding the same $MSGS messages
  mkdir -p "$1/cur" "$1/tmp" "$1/new"
  cp "$DIR"/msgs/* "$1/new/"
}

# hash SETUP -> the password hash both servers get (mailctl makes it with the setup's cost).
make_hash() {
  H=$DIR/hash
  rm -rf "$H"
  $BIN --data-dir "$H" domain add bench.test --create >/dev/null
  if [ "$1" = cheap ]; then
    $BIN --data-dir "$H" config set auth.argon2_memory 1M >/dev/null
    $BIN --data-dir "$H" config set auth.argon2_iterations 1 >/dev/null
  fi
  echo "$PASS" | $BIN --data-dir "$H" user add u@bench.test --password-stdin >/dev/null
  sqlite3 "$H/mailctl.db" "SELECT password FROM users WHERE address = 'u@bench.test'"
}

start_mailctl() { # SETUP HASH BINARY
  B=$3
  M=$DIR/mailctl
  rm -rf "$M"
  $B --data-dir "$M" domain add bench.test --create >/dev/null
  for k in "server.user=" "auth.plaintext=loopback" "dns.nameserver=127.0.0.1:9" \
           "limits.max_connections_per_ip=1000" "imap.max_connections_per_user=100"; do
    $B --data-dir "$M" config set "${k%%=*}" "${k#*=}" >/dev/null
  done
  # imaptest logs in with the same user again and again and fails logins on purpose never:
  # the equal-hash setups measure a hash check per login, like Dovecot without auth_cache.
  # (older builds have no cache: nothing to turn off)
  [ "$1" = default ] || $B --data-dir "$M" config set auth.cache_ttl 0 >/dev/null 2>&1 || true
  i=1
  while [ $i -le $USERS ]; do
    $B --data-dir "$M" user add "u$i@bench.test" --password-hash "$2" >/dev/null
    fill "$M/mail/bench.test/u$i"
    i=$((i + 1))
  done
  MIMAP=$(free_port); MPOP=$(free_port)
  $B --data-dir "$M" -q serve imap pop3 --allow-root --listen "imap=127.0.0.1:$MIMAP" \
    --listen imaps=127.0.0.1:0 --listen "pop3=127.0.0.1:$MPOP" --listen pop3s=127.0.0.1:0 2>"$DIR/mailctl.log" &
  MPID=$!
  for _ in $(seq 1 100); do grep -q "^listening pop3 " "$DIR/mailctl.log" 2>/dev/null && break; sleep 0.1; done
}

stop_mailctl() { kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null || true; MPID=""; }

start_dovecot() { # SETUP HASH
  D=$DIR/dovecot
  rm -rf "$D"
  mkdir -p "$D/run" "$D/mail"
  chmod 755 "$D" "$D/run"
  : >"$D/passwd"
  i=1
  while [ $i -le $USERS ]; do
    if [ "$1" = default ]; then echo "u$i@bench.test:{PLAIN}$PASS" >>"$D/passwd"
    else echo "u$i@bench.test:{ARGON2ID}$2" >>"$D/passwd"; fi
    fill "$D/mail/bench.test/u$i"
    i=$((i + 1))
  done
  chown -R nobody:nogroup "$D/mail"
  DIMAP=$(free_port); DPOP=$(free_port)
  DCONF=$D/dovecot.conf
  cat >"$DCONF" <<EOF
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
mail_location = maildir:$D/mail/%d/%n
mail_uid = nobody
mail_gid = nogroup
passdb {
  driver = passwd-file
  args = $D/passwd
}
userdb {
  driver = static
  args = home=$D/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $DIMAP
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $DPOP
  }
  inet_listener pop3s {
    port = 0
  }
}
EOF
  mkdir -p "$D/state"
  dovecot -c "$DCONF"
  for _ in $(seq 1 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $DPOP), 1).close()" 2>/dev/null && break
    sleep 0.1
  done
}

stop_dovecot() { dovecot -c "$DCONF" stop 2>/dev/null || true; sleep 1; DCONF=""; }

# imaptest PORT -> "commands/s errors"
run_imaptest() {
  out=$DIR/imaptest.out
  timeout $((SECS + 60)) "$IMAPTEST" host=127.0.0.1 port="$1" user='u%d@bench.test' pass="$PASS" \
    users=$USERS clients=20 secs="$SECS" mbox="$DIR/append.mbox" >"$out" 2>&1 || true
  # After "Totals:": the command names, two lines of percentages, then each command's count.
  total=$(awk '/^Totals:/{getline; getline; getline; getline; s=0; for (i=1;i<=NF;i++) s+=$i; print s; exit}' "$out")
  errors=$(grep -c '^Error: ' "$out" || true)
  cp "$out" "$DIR/last-imaptest-$1.out"
  echo "$(awk "BEGIN{printf \"%d\", ${total:-0}/$SECS}") $errors"
}

# pop3 PORT -> messages/s (10 processes, each its own user, until SECS are over)
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
t = time.time()
for p in ps: p.start()
total = sum(q.get(timeout=secs + 50) for _ in ps)
for p in ps: p.join(10)
print(int(total / (time.time() - t)))
EOF
}

# mailctl BINARY SETUP HASH -> R="commands/s errors pop/s peakRSS" (not in a subshell: the
# exit trap must know the server's pid)
run_mailctl() {
  start_mailctl "$2" "$3" "$1"
  m_imap=$(run_imaptest "$MIMAP")
  m_pop=$(run_pop3 "$MPOP")
  m_rss=$(awk '/VmHWM/{print $2}' "/proc/$MPID/status")
  stop_mailctl
  R="$m_imap $m_pop $m_rss"
}

ROWS=""
for setup in $SETUPS; do
  hash=$(make_hash "$setup")
  start_dovecot "$setup" "$hash"
  d_imap=$(run_imaptest "$DIMAP")
  d_pop=$(run_pop3 "$DPOP")
  stop_dovecot
  base="- - - -"
  if [ -n "${BASE:-}" ]; then run_mailctl "$BASE" "$setup" "$hash"; base=$R; fi
  run_mailctl "$BIN" "$setup" "$hash"
  ROWS="$ROWS$setup ${d_imap%% *} ${d_imap##* } $base $R $d_pop
"
done
echo
echo "imaptest stress: 20 clients, $SECS s; POP3 RETR: 10 clients, $SECS s; loopback, $(nproc) cores"
echo "base: ${BASE:-none}; mailctl: $BIN"
printf '%-9s | %13s %6s | %10s %6s %8s %9s | %13s %6s %8s %9s | %11s\n' setup "dovecot cmd/s" errors \
  "base cmd/s" errors "base pop" "base RSS" "mailctl cmd/s" errors "mailctl pop" "RSS KiB" "dovecot pop"
printf '%s' "$ROWS" | while read -r s a b c d e f g h i j k; do
  printf '%-9s | %13s %6s | %10s %6s %8s %9s | %13s %6s %8s %9s | %11s\n' "$s" "$a" "$b" "$c" "$d" "$e" "$f" "$g" "$h" "$i" "$j" "$k"
done
