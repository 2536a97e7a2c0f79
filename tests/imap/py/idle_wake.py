"""One delivery wakes many idling sessions without a thread each (#19.4).

argv: INBOX_SESSIONS SENT_SESSIONS MAX_THREAD_RISE. That many sessions of alice IDLE on
INBOX and on Sent; one message arrives over SMTP. Every INBOX session must report
`* N EXISTS` within the wait, no Sent session may report anything, and the server's thread
count (/proc/SERVER_PID/status, sampled while they wake) may rise by at most
MAX_THREAD_RISE over what it was with all of them idling. Before the fix every wakeup
reopened the index on a blocking thread of its own: the pool grew by one per woken session.
"""
import os
import sys
import threading
import time

import imapt

inbox_n, sent_n, max_rise = (int(a) for a in sys.argv[1:4])
PID = int(os.environ["SERVER_PID"])
DEADLINE = 30


def threads():
    with open("/proc/%d/status" % PID) as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    raise AssertionError("no Threads line")


def idle_on(folder):
    c = imapt.Raw()
    c.login()
    c.ok("SELECT %s" % folder)
    c.send("i IDLE\r\n")
    assert c.line().startswith(b"+ "), folder
    return c


inbox = [idle_on("INBOX") for _ in range(inbox_n)]
sent = [idle_on("Sent") for _ in range(sent_n)]
# The logins' blocking threads live on for 2 s after their last task: let them go.
time.sleep(3)
before = threads()

peak = [before]
at_peak = [{}]


def names():
    """Threads by name, for the failure message: which pool grew."""
    out = {}
    for t in os.listdir("/proc/%d/task" % PID):
        try:
            with open("/proc/%d/task/%s/comm" % (PID, t)) as f:
                k = f.read().strip()
        except OSError:
            continue
        out[k] = out.get(k, 0) + 1
    return out

stop = threading.Event()


def sample():
    end = time.time() + DEADLINE
    while not stop.is_set() and time.time() < end:
        n = threads()
        if n > peak[0]:
            at_peak[0] = names()
        peak[0] = max(peak[0], n)
        time.sleep(0.01)


sampler = threading.Thread(target=sample)
sampler.start()
t0 = time.time()
try:
    imapt.send_mail("wake-all")
    for c in inbox:
        c.sock.settimeout(max(1, DEADLINE - (time.time() - t0)))
        for _ in range(5):
            line = c.line()
            if line.endswith(b" EXISTS\r\n"):
                break
        else:
            raise AssertionError(("no EXISTS", line))
    woke = time.time() - t0
    # Wakeups that came after (the scan moving the file to cur/) settle meanwhile.
    time.sleep(1)
finally:
    stop.set()
    sampler.join()

# Sent did not change: its sessions have nothing to say before DONE's answer.
for c in sent:
    c.send("DONE\r\n")
    line = c.line()
    assert line.startswith(b"i OK"), ("Sent session told something", line)
for c in inbox:
    c.send("DONE\r\n")
    u, t = c.until("i")
    assert t.startswith(b"i OK"), t
    assert all(b"EXPUNGE" not in l for l in u), u
    c.close()
for c in sent:
    c.close()
rise = peak[0] - before
print("%d sessions woke in %.2f s; threads %d idle, peak %d (rise %d)"
      % (inbox_n, woke, before, peak[0], rise))
assert rise <= max_rise, ("threads rose by %d (at most %d): a thread per wakeup? %r"
                          % (rise, max_rise, at_peak[0]))
