# The IMAP and POP3 load shared by examples/imap-vs-dovecot.sh and examples/imap-pg-vs-sqlite.sh
# (sourced, POSIX sh), so both measure the same thing: the same users, messages, imaptest
# stress profile and POP3 RETR clients, and mailctl set up the same way.
#
# The sourcing script sets DIR (its temp dir), SECS, USERS, MSGS, PASS, IMAPTEST and BIN (or
# PROFILE, for `build_bin`) first, and owns MPID in its exit trap. Not here: what each script
# compares, its other servers (Dovecot, PostgreSQL), its output.

# BIN unset: build mailctl with PROFILE and use it; BIN=path: that binary as it is.
build_bin() {
  if [ -z "${BIN:-}" ]; then
    if [ "$PROFILE" = release ]; then cargo build --release --quiet --bin mailctl
    else cargo build --quiet --bin mailctl; fi
    BIN=$PWD/target/$PROFILE/mailctl
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# The messages every INBOX starts with ($DIR/msgs), and imaptest's APPEND source (an mbox).
make_messages() {
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
}

fill() { # fill MAILDIR: an INBOX holding the same $MSGS messages
  mkdir -p "$1/cur" "$1/tmp" "$1/new"
  cp "$DIR"/msgs/* "$1/new/"
}

# make_hash SETUP -> the password hash every user gets, made by $BIN with the setup's cost
# (cheap: argon2id m=1 MiB t=1; otherwise as it ships) on a scratch SQLite data dir.
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

# mailctl_users BINARY DATADIR SETUP HASH: the domain, the bench settings, $USERS users with
# HASH and their INBOXes, in DATADIR (made, or named by its database.url, by the caller).
mailctl_users() {
  _b=$1 _m=$2
  $_b --data-dir "$_m" domain add bench.test --create >/dev/null
  for k in "server.user=" "auth.plaintext=loopback" "dns.nameserver=127.0.0.1:9" \
           "limits.max_connections_per_ip=1000" "imap.max_connections_per_user=100"; do
    $_b --data-dir "$_m" config set "${k%%=*}" "${k#*=}" >/dev/null
  done
  # imaptest logs in with the same user again and again and fails logins on purpose never:
  # the equal-hash setups measure a hash check per login, like Dovecot without auth_cache.
  # (older builds have no cache: nothing to turn off)
  [ "$3" = default ] || $_b --data-dir "$_m" config set auth.cache_ttl 0 >/dev/null 2>&1 || true
  i=1
  while [ $i -le $USERS ]; do
    $_b --data-dir "$_m" user add "u$i@bench.test" --password-hash "$4" >/dev/null
    fill "$_m/mail/bench.test/u$i"
    i=$((i + 1))
  done
}

# mailctl_serve BINARY DATADIR LOG: `serve imap pop3` on loopback ports MIMAP and MPOP, pid
# in MPID (not in a subshell: the exit trap must know it), ready once POP3 listens.
mailctl_serve() {
  MIMAP=$(free_port); MPOP=$(free_port)
  $1 --data-dir "$2" -q serve imap pop3 --allow-root --listen "imap=127.0.0.1:$MIMAP" \
    --listen imaps=127.0.0.1:0 --listen "pop3=127.0.0.1:$MPOP" --listen pop3s=127.0.0.1:0 2>"$3" &
  MPID=$!
  for _ in $(seq 1 100); do grep -q "^listening pop3 " "$3" 2>/dev/null && break; sleep 0.1; done
}

stop_mailctl() { kill "$MPID" 2>/dev/null; wait "$MPID" 2>/dev/null || true; MPID=""; }

# imaptest_total PORT OUT -> IMAP commands in total (the sum of imaptest's per-command
# totals) of imaptest's stress profile, $USERS users, 20 clients, SECS seconds; its output in OUT
imaptest_total() {
  timeout $((SECS + 60)) "$IMAPTEST" host=127.0.0.1 port="$1" user='u%d@bench.test' pass="$PASS" \
    users=$USERS clients=20 secs="$SECS" mbox="$DIR/append.mbox" >"$2" 2>&1 || true
  # After "Totals:": the command names, two lines of percentages, then each command's count.
  awk '/^Totals:/{getline; getline; getline; getline; s=0; for (i=1;i<=NF;i++) s+=$i; print s; exit}' "$2"
}

# pop3_load PORT total|rate -> messages RETRieved in total, or per second of the whole run
# (10 processes, each logging in as its own user, RETR of every message, QUIT, again until
# SECS seconds are over)
pop3_load() {
  timeout $((SECS + 60)) python3 - "$1" "$SECS" "$PASS" "$2" <<'EOF'
import multiprocessing, poplib, sys, time
port, secs, pw, what = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
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
print(total if what == "total" else int(total / (time.time() - t)))
EOF
}
