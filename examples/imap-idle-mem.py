#!/usr/bin/env python3
"""Memory of idling IMAP sessions against a real `mailctl serve imap` on loopback (#19.4).

Opens N connections (default 1,000), each LOGIN, SELECT INBOX, IDLE; delivers one message
into the shared INBOX so every idling session wakes and reports it; then closes them all.
Reads the server's RSS, PSS (/proc/PID/smaps_rollup) and thread count before, with all in
IDLE, after the wakeup, and after all closed (once right away and once the runtime's idle
threads have gone), and prints KiB per connection and the after/before ratio.

The targets of issue 19: <= 16 KiB per idle connection, and RSS after close within 10% of
before. Logins use the authentication cache (`auth.cache_ttl`, on by default), so only the
first pays argon2. Everything stays on 127.0.0.1, every wait is bounded, and the script
stops the server and removes its data dir itself.
Usage: examples/imap-idle-mem.py [--connections N] [--settle SECONDS] [--maps]
PROFILE=debug gives a quick functional run; figures only mean something in release.
MAILCTL_BIN=PATH measures another binary (a base build to compare against).
"""
import argparse
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
# MAILCTL_BIN: another build to compare (e.g. main's release binary kept as the base).
BIN = os.environ.get("MAILCTL_BIN") or os.path.join(ROOT, "target", PROFILE, "mailctl")
PASSWORD = "idle-password"
DEADLINE = time.time() + 600


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


def mappings(pid):
    """{mapping name: RSS KiB} of the server: where memory stays after close."""
    out, name = {}, None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if not parts[0].endswith(":") or "-" in parts[0]:
                name = parts[5] if len(parts) > 5 else "[anon %s]" % parts[0].split("-")[0]
            elif parts[0] == "Rss:":
                out[name] = out.get(name, 0) + int(parts[1])
    return out


def show_growth(before, after):
    grown = sorted(((after.get(k, 0) - v, k) for k, v in before.items()), reverse=True)
    grown += sorted(((v, k) for k, v in after.items() if k not in before), reverse=True)
    for kib, name in sorted(grown, reverse=True)[:8]:
        if kib:
            print("  %+7d KiB  %s" % (kib, name))


def show(name, s):
    print("%-28s RSS %7d KiB  PSS %7d KiB  threads %4d" % (name, s[0], s[1], s[2]))


def read_until(f, pred, what):
    while time.time() < DEADLINE:
        line = f.readline()
        if not line:
            sys.exit("connection closed while waiting for %s" % what)
        if pred(line):
            return
    sys.exit("out of time waiting for %s" % what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--connections", type=int, default=1000)
    ap.add_argument("--settle", type=float, default=12.0,
                    help="seconds to wait after closing before the last sample")
    ap.add_argument("--maps", action="store_true",
                    help="print the mappings whose RSS grew from before to after close")
    args = ap.parse_args()
    if not 1 <= args.connections <= 5000 or not 0 <= args.settle <= 120:
        sys.exit("bounds: 1..5000 connections, 0..120 s settle")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, args.connections * 2 + 256)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
    if want < args.connections + 64:
        sys.exit("raise `ulimit -n` (hard limit %d) for %d connections" % (hard, args.connections))
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release --bin mailctl (%s missing)" % BIN)

    data = tempfile.mkdtemp(prefix="imap-idle-mem-")
    server = None
    try:
        mailctl(data, "domain", "add", "idle.test", "--create")
        mailctl(data, "user", "add", "idle@idle.test", "--password-stdin",
                stdin=(PASSWORD + "\n").encode())
        n = str(args.connections + 100)
        for k, v in (("server.user", ""), ("auth.plaintext", "loopback"),
                     ("dns.nameserver", "127.0.0.1:9"), ("auth.cache_ttl", "1h"),
                     ("limits.max_connections", n), ("limits.max_connections_per_ip", n),
                     ("imap.max_connections_per_user", n)):
            mailctl(data, "config", "set", k, v)
        inbox = os.path.join(data, "mail", "idle.test", "idle")
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

        def open_idle():
            s = socket.create_connection(("127.0.0.1", port), timeout=60)
            f = s.makefile("rb")
            f.readline()
            s.sendall(("a LOGIN idle@idle.test %s\r\nb SELECT INBOX\r\nc IDLE\r\n"
                       % PASSWORD).encode())
            read_until(f, lambda l: l.startswith(b"+ "), "IDLE")
            return s, f

        # Warm up: the first login pays argon2 and fills the cache; the index exists.
        s, f = open_idle()
        s.sendall(b"DONE\r\nz LOGOUT\r\n")
        read_until(f, lambda l: l.startswith(b"z "), "LOGOUT")
        f.close()
        s.close()
        time.sleep(args.settle)
        before = sample(server.pid)
        maps_before = mappings(server.pid)
        show("before", before)

        conns = []
        t = time.time()
        for _ in range(args.connections):
            conns.append(open_idle())
        opened = time.time() - t
        time.sleep(1)
        idle = sample(server.pid)
        show("%d in IDLE" % args.connections, idle)

        # One delivery by "another program" wakes every session.
        msg = b"From: a@idle.test\r\nSubject: wake\r\n\r\nwake up\r\n"
        with open(os.path.join(inbox, "tmp", "1.wake.host"), "wb") as w:
            w.write(msg)
        os.rename(os.path.join(inbox, "tmp", "1.wake.host"),
                  os.path.join(inbox, "new", "1.wake.host"))
        t = time.time()
        for _, f in conns:
            read_until(f, lambda l: l.endswith(b" EXISTS\r\n"), "EXISTS after the delivery")
        woke = time.time() - t
        woken = sample(server.pid)
        show("all woken", woken)

        # The file from makefile() holds the socket open past socket.close(): both are
        # closed, or the last session (still bound to the loop's variables) stays open,
        # idling, and its store and watch count as "retained" after close.
        for s, f in conns:
            f.close()
            s.close()
        conns.clear()
        time.sleep(1)
        closed = sample(server.pid)
        show("closed, 1 s later", closed)
        time.sleep(args.settle)
        after = sample(server.pid)
        show("closed, %.0f s later" % (args.settle + 1), after)
        if args.maps:
            print("mappings grown since before (RSS):")
            show_growth(maps_before, mappings(server.pid))

        n = args.connections
        print("opened %d idling sessions in %.1f s; all saw the delivery in %.1f s"
              % (n, opened, woke))
        print("per idle connection: %.1f KiB RSS, %.1f KiB PSS (target <= 16)"
              % ((idle[0] - before[0]) / n, (idle[1] - before[1]) / n))
        print("after/before RSS: %.2f right after close, %.2f settled (target <= 1.10); "
              "peak threads %d" % (closed[0] / before[0], after[0] / before[0],
                                   max(idle[2], woken[2], closed[2])))
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
