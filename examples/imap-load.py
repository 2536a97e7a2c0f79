#!/usr/bin/env python3
"""End-to-end IMAP figures against a real `mailctl serve imap` on loopback (release build):

  1. memory per authenticated, idling connection with N connections (default 1,000), each
     logged in, INBOX selected, in IDLE: the server's RSS growth divided by N;
  2. FETCH of 1,000 messages' headers and bodies (UID FETCH 1:* (BODY.PEEK[HEADER] BODY.PEEK[TEXT]));
  3. SEARCH TEXT over 10,000 messages;
  4. SELECT of a 100,000-message mailbox, the first time (the index is built), right after,
     and once settled.

Messages are written straight into the Maildirs (as another delivery agent would), so the
figures are IMAP's alone. Everything stays on 127.0.0.1, every loop is bounded, and the
script stops the server itself. Usage: examples/imap-load.py [--connections N] [--big N]
PROFILE=debug gives a quick functional run; figures only mean something in release.
"""
import argparse
import imaplib
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE = os.environ.get("PROFILE", "release")
BIN = os.path.join(ROOT, "target", PROFILE, "mailctl")
PASSWORD = "load-password"


def mailctl(data, *args, stdin=None):
    subprocess.run([BIN, "--data-dir", data, *args], input=stdin, check=True,
                   stdout=subprocess.DEVNULL)


def message(i, size):
    body = ("line %d of a message that has some words in it, like lorem and ipsum\r\n" % i) * (size // 70)
    needle = "needle\r\n" if i % 100 == 0 else ""
    return ("From: Sender %d <s%d@example.org>\r\nTo: user@load.test\r\nSubject: message %d\r\n"
            "Date: Tue, 1 Dec 2026 10:00:00 +0000\r\nMessage-ID: <%d@load.test>\r\n\r\n%s%s"
            % (i, i, i, i, body, needle)).encode()


def fill(maildir, n, size):
    new = os.path.join(maildir, "new")
    os.makedirs(new, exist_ok=True)
    for sub in ("cur", "tmp"):
        os.makedirs(os.path.join(maildir, sub), exist_ok=True)
    base = 1796000000
    for i in range(n):
        data = message(i, size)
        name = "%d.M%dP1Q%d.load,S=%d" % (base + i, i, i, len(data))
        with open(os.path.join(new, name), "wb") as f:
            f.write(data)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--big", type=int, default=100_000, help="messages in the SELECT test")
    args = ap.parse_args()
    if not 1 <= args.connections <= 5000 or not 1 <= args.big <= 200_000:
        sys.exit("bounds: 1..5000 connections, 1..200000 messages")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, args.connections * 2 + 256)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))

    if PROFILE == "release":
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "mailctl"], cwd=ROOT, check=True)
    data = tempfile.mkdtemp(prefix="imap-load-")
    server = None
    try:
        mailctl(data, "domain", "add", "load.test", "--create")
        for u in ("idle", "fetch", "search", "big"):
            mailctl(data, "user", "add", "%s@load.test" % u, "--password-stdin", stdin=(PASSWORD + "\n").encode())
        for k, v in (("server.user", ""), ("auth.plaintext", "loopback"), ("dns.nameserver", "127.0.0.1:9"),
                     ("limits.max_connections", str(args.connections + 100)),
                     ("limits.max_connections_per_ip", str(args.connections + 100)),
                     ("imap.max_connections_per_user", str(args.connections + 100))):
            mailctl(data, "config", "set", k, v)
        mail = os.path.join(data, "mail", "load.test")
        t = time.time()
        fill(os.path.join(mail, "fetch"), 1000, 4096)
        fill(os.path.join(mail, "search"), 10_000, 4096)
        fill(os.path.join(mail, "big"), args.big, 512)
        print("wrote %d messages into Maildirs in %.1f s" % (11_000 + args.big, time.time() - t))

        log = open(os.path.join(data, "log"), "w+")
        server = subprocess.Popen([BIN, "--data-dir", data, "-q", "serve", "imap", "--allow-root",
                                   "--listen", "imap=127.0.0.1:0", "--listen", "imaps=127.0.0.1:0"],
                                  stderr=log, stdout=subprocess.DEVNULL)
        port = None
        for _ in range(200):
            log.seek(0)
            for line in log:
                if line.startswith("listening imap "):
                    port = int(line.rsplit(":", 1)[1])
            if port:
                break
            time.sleep(0.05)
        if not port:
            sys.exit("server did not start")

        def login(user):
            m = imaplib.IMAP4("127.0.0.1", port, timeout=120)
            m.login("%s@load.test" % user, PASSWORD)
            return m

        # 2. FETCH of 1,000 messages.
        m = login("fetch")
        m.select("INBOX")
        t = time.time()
        typ, d = m.uid("FETCH", "1:*", "(BODY.PEEK[HEADER] BODY.PEEK[TEXT])")
        dt = time.time() - t
        got = sum(1 for x in d if isinstance(x, tuple)) // 2
        assert typ == "OK" and got == 1000, (typ, got)
        print("FETCH 1,000 messages (headers + bodies, 4 KiB each): %.0f ms, %.0f msgs/s" % (dt * 1000, 1000 / dt))
        m.logout()

        # 3. SEARCH TEXT over 10,000 messages.
        m = login("search")
        m.select("INBOX")
        t = time.time()
        typ, d = m.search(None, "TEXT", "needle")
        dt = time.time() - t
        hits = len(d[0].split())
        assert typ == "OK" and hits == 100, (typ, hits)
        print("SEARCH TEXT over 10,000 messages: %.0f ms (%d hits)" % (dt * 1000, hits))
        m.logout()

        # 4. SELECT of the big mailbox.
        m = login("big")
        # The first SELECT indexes the folder and moves every file from new/ to cur/. The
        # store trusts a directory's mtime only once it is 2 s old, so the next SELECTs
        # rescan the directory until one after that has confirmed it; "settled" is the
        # everyday case.
        for attempt in ("first (builds the index)", "again (rescans)", "2.5 s later (rescans once more)", "settled"):
            if attempt.startswith("2.5"):
                time.sleep(2.5)
            t = time.time()
            typ, d = m.select("INBOX")
            dt = time.time() - t
            assert typ == "OK" and int(d[0]) == args.big, (typ, d)
            print("SELECT of %d messages, %s: %.0f ms" % (args.big, attempt, dt * 1000))
            m.unselect()
        m.logout()

        # 1. Memory per idle connection.
        time.sleep(0.5)
        before = rss_kib(server.pid)
        conns = []
        t = time.time()
        for i in range(args.connections):
            s = socket.create_connection(("127.0.0.1", port), timeout=60)
            f = s.makefile("rb")
            f.readline()
            s.sendall(("a LOGIN idle@load.test %s\r\nb SELECT INBOX\r\nc IDLE\r\n" % PASSWORD).encode())
            while True:
                line = f.readline()
                if not line:
                    sys.exit("connection %d closed: server log in %s" % (i, data))
                if line.startswith(b"+ "):
                    break
            conns.append((s, f))
        dt = time.time() - t
        time.sleep(1)
        after = rss_kib(server.pid)
        per = (after - before) / args.connections
        print("%d connections logged in, selected and idling (%.1f s to open); server RSS %d -> %d KiB: %.1f KiB per connection"
              % (args.connections, dt, before, after, per))
        for s, _ in conns:
            s.close()
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
