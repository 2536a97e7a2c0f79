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
# The load and the mailctl setup, shared with examples/imap-pg-vs-sqlite.sh.
. "$(dirname "$0")/lib/imap-load.sh"
# BIN=path: that binary as it is (e.g. a base build to compare with), nothing is built.
build_bin

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

# The messages every INBOX starts with, and imaptest's APPEND source.
make_messages

start_mailctl() { # SETUP HASH BINARY
  M=$DIR/mailctl
  rm -rf "$M"
  mailctl_users "$3" "$M" "$1" "$2"
  mailctl_serve "$3" "$M" "$DIR/mailctl.log"
}

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
  total=$(imaptest_total "$1" "$out")
  errors=$(grep -c '^Error: ' "$out" || true)
  cp "$out" "$DIR/last-imaptest-$1.out"
  echo "$(awk "BEGIN{printf \"%d\", ${total:-0}/$SECS}") $errors"
}

# pop3 PORT -> messages/s (10 processes, each its own user, until SECS are over)
run_pop3() { pop3_load "$1" rate; }

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
