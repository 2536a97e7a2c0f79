#!/usr/bin/env python3
"""Webmail speed and memory against a real `mailctl serve web` on loopback (#23).

Makes a data dir with one user whose INBOX holds N messages (default 10,000), written
straight into the Maildir (realistic headers, a few KiB each), lets the index sync once
(the first list), then:

1. lists the folder's first page R times (default 50) and its last page R/5 times, and
   prints the server's own time for each (the `Server-Timing: app;dur=MS` header every web
   response carries): median, p95, max; and the client's wall time beside it;
2. logs in S sessions (default 100; the auth cache means only the first pays argon2), then
   has all of them fetch the first page at once from S threads, each over its own
   keep-alive connection, and reads the server's RSS and PSS (/proc/PID/smaps_rollup) and
   thread count before the logins, with all S sessions logged in and their connections
   open, and after the connections closed.

The targets of issue 23: the first page of a 10,000-message folder in under 50 ms server
time, and 100 concurrent web sessions adding less than 10 MB. Everything stays on
127.0.0.1, every wait is bounded, and the script stops the server and removes its data dir.
Measured on a 2-core VM shared with other builds (release, 10,000 messages): first page
median 10.9 ms, p95 17.7 ms server time (the last page: 11.1 ms); 100 sessions fetching at
once: +7.3 MiB RSS with their connections open, +5.1 MiB after they closed. Before the list
read only its page's index rows (SELECT of all 10,000 rows per page), a debug build took
271 ms per page against 86 ms after.
Usage: examples/web-load.py [--messages N] [--requests R] [--sessions S]
PROFILE=debug gives a quick functional run; figures only mean something in release
(`cargo build --release --bin mailctl`). MAILCTL_BIN=PATH measures another binary.
"""
import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROFILE = os.environ.get("PROFILE", "release")
BIN = os.environ.get("MAILCTL_BIN") or os.path.join(ROOT, "target", PROFILE, "mailctl")
USER, DOMAIN, PASSWORD = "load", "web.test", "web-load-password"
DEADLINE = time.time() + 900

NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov",
         "Donald Knuth", "Frances Allen", "Ken Thompson", "Radia Perlman", "Dennis Ritchie"]
TOPICS = ["Quarterly report", "Lunch on Friday?", "Re: build failure on main",
          "Invoice 2026-%04d", "Meeting notes", "Fwd: conference travel", "Your order shipped",
          "Re: Re: the index schema", "Holiday schedule", "Code review request"]


def mailctl(data, *args, stdin=None):
    subprocess.run([BIN, "--data-dir", data, *args], input=stdin, check=True,
                   stdout=subprocess.DEVNULL)


def sample(pid):
    """(RSS KiB, PSS KiB, threads) of the server."""
    rss = pss = threads = 0
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            if line.startswith("Rss:"):
                rss = int(line.split()[1])
            elif line.startswith("Pss:"):
                pss = int(line.split()[1])
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, pss, threads


def show(name, s):
    print("%-34s RSS %7d KiB  PSS %7d KiB  threads %4d" % (name, s[0], s[1], s[2]))


def fill(inbox, n):
    """N messages in cur/, as a delivery agent would have left them (a third unread)."""
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(inbox, sub), exist_ok=True)
    body = ("This is line %d of a message body that is long enough to look like mail.\r\n"
            * 30)
    t0 = 1_780_000_000
    for i in range(n):
        who = NAMES[i % len(NAMES)]
        subject = TOPICS[i % len(TOPICS)]
        if "%" in subject:
            subject = subject % i
        when = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t0 + i * 600))
        msg = ("Return-Path: <%s@example.org>\r\nReceived: from mx.example.org by mail.%s\r\n"
               "From: %s <%s@example.org>\r\nTo: %s@%s\r\nSubject: %s\r\nDate: %s\r\n"
               "Message-ID: <%d.load@example.org>\r\nMIME-Version: 1.0\r\n"
               "Content-Type: text/plain; charset=utf-8\r\n\r\n%s"
               % (who.split()[0].lower(), DOMAIN, who, who.split()[0].lower(), USER, DOMAIN,
                  subject, when, i, body % tuple(range(30))))
        flags = "" if i % 3 == 0 else "S"
        name = "%d.M%dP1Q%d.load:2,%s" % (t0 + i * 600, i, i, flags)
        with open(os.path.join(inbox, "cur", name), "w") as f:
            f.write(msg)
        os.utime(os.path.join(inbox, "cur", name), (t0 + i * 600, t0 + i * 600))


class Session:
    """One browser: a keep-alive connection and its cookies."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {}

    def request(self, method, path, form=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        t = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        r = self.conn.getresponse()
        data = r.read()
        wall = (time.perf_counter() - t) * 1000
        for c in r.headers.get_all("Set-Cookie") or []:
            k, _, v = c.split(";")[0].partition("=")
            if v and "Max-Age=0" not in c:
                self.cookies[k] = v
            else:
                self.cookies.pop(k, None)
        timing = re.search(r"dur=([0-9.]+)", r.headers.get("Server-Timing", ""))
        return r.status, data, (float(timing.group(1)) if timing else None), wall

    def login(self):
        _, page, _, _ = self.request("GET", "/login")
        token = re.search(rb'name="csrf" value="([0-9a-f]+)"', page).group(1).decode()
        status, _, _, _ = self.request("POST", "/login", {
            "user": "%s@%s" % (USER, DOMAIN), "password": PASSWORD, "csrf": token})
        if status != 303:
            sys.exit("login failed: HTTP %d" % status)

    def close(self):
        self.conn.close()


def stats(name, xs):
    xs = sorted(xs)
    p95 = xs[min(len(xs) - 1, int(len(xs) * 0.95))]
    print("%-34s median %7.2f ms  p95 %7.2f ms  max %7.2f ms  (%d requests)"
          % (name, xs[len(xs) // 2], p95, xs[-1], len(xs)))


def timed(s, path, n):
    server, wall = [], []
    for _ in range(n):
        status, body, dur, w = s.request("GET", path)
        if status != 200 or dur is None:
            sys.exit("GET %s: HTTP %d, Server-Timing %r" % (path, status, dur))
        server.append(dur)
        wall.append(w)
    return server, wall, body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--sessions", type=int, default=100)
    args = ap.parse_args()
    if not (1 <= args.messages <= 200000 and 5 <= args.requests <= 1000
            and 1 <= args.sessions <= 1000):
        sys.exit("bounds: 1..200000 messages, 5..1000 requests, 1..1000 sessions")
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release --bin mailctl (%s missing)" % BIN)

    data = tempfile.mkdtemp(prefix="web-load-")
    server = None
    try:
        mailctl(data, "domain", "add", DOMAIN, "--create")
        mailctl(data, "user", "add", "%s@%s" % (USER, DOMAIN), "--password-stdin",
                stdin=(PASSWORD + "\n").encode())
        n = str(args.sessions + 100)
        for k, v in (("server.user", ""), ("dns.nameserver", "127.0.0.1:9"),
                     ("auth.cache_ttl", "1h"), ("web.tls", "off"),
                     ("web.login_rate_limit", "0"),
                     ("limits.max_connections", n), ("limits.max_connections_per_ip", n)):
            mailctl(data, "config", "set", k, v)
        t = time.time()
        fill(os.path.join(data, "mail", DOMAIN, USER), args.messages)
        print("wrote %d messages in %.1f s" % (args.messages, time.time() - t))
        # The index trusts a directory's mtime only once it is a few seconds old (a file
        # may land in the same second): let it settle, as a real mailbox's has.
        time.sleep(3)

        log = open(os.path.join(data, "log"), "w+")
        server = subprocess.Popen([BIN, "--data-dir", data, "-q", "serve", "web", "--allow-root",
                                   "--listen", "web=127.0.0.1:0"],
                                  stderr=log, stdout=subprocess.DEVNULL)
        port = None
        for _ in range(200):
            log.seek(0)
            for line in log:
                if line.startswith("listening web "):
                    port = int(line.rsplit(":", 1)[1])
            if port:
                break
            time.sleep(0.05)
        if not port:
            sys.exit("server did not start")

        first = Session(port)
        first.login()
        _, body, dur, wall = first.request("GET", "/mail/INBOX")
        print("first list (the index syncs %d files): server %.1f ms, wall %.1f ms"
              % (args.messages, dur, wall))
        server_t, wall_t, body = timed(first, "/mail/INBOX", args.requests)
        rows = body.count(b'href="/mail/INBOX/')
        stats("first page, server time", server_t)
        stats("first page, client wall time", wall_t)
        last = (args.messages + 49) // 50
        s2, _, _ = timed(first, "/mail/INBOX?page=%d" % last, max(5, args.requests // 5))
        stats("last page (%d), server time" % last, s2)
        print("(a page shows %d message links)" % rows)
        first.close()

        time.sleep(2)
        before = sample(server.pid)
        show("before", before)
        sessions = [Session(port) for _ in range(args.sessions)]
        t = time.time()
        for s in sessions:
            s.login()
        print("%d logins in %.1f s" % (args.sessions, time.time() - t))
        barrier = threading.Barrier(args.sessions, timeout=120)
        results = [None] * args.sessions

        def fetch(i):
            barrier.wait()
            results[i] = sessions[i].request("GET", "/mail/INBOX")

        threads = [threading.Thread(target=fetch, args=(i,)) for i in range(args.sessions)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=max(1, DEADLINE - time.time()))
        bad = [r for r in results if r is None or r[0] != 200]
        if bad:
            sys.exit("%d of the concurrent fetches failed" % len(bad))
        stats("concurrent first page, server", [r[2] for r in results])
        stats("concurrent first page, wall", [r[3] for r in results])
        during = sample(server.pid)
        show("%d sessions, connections open" % args.sessions, during)
        for s in sessions:
            s.close()
        time.sleep(2)
        after = sample(server.pid)
        show("connections closed (sessions kept)", after)
        print("%d sessions: +%.1f MiB RSS, +%.1f MiB PSS with connections open; "
              "+%.1f MiB RSS after close (target < 10 MB)"
              % (args.sessions, (during[0] - before[0]) / 1024, (during[1] - before[1]) / 1024,
                 (after[0] - before[0]) / 1024))
    finally:
        if server:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
