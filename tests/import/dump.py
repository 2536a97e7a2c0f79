# Prints, as JSON, what an IMAP client caches about an account: per selectable folder (names
# with "/" between levels) STATUS UIDVALIDITY and UIDNEXT and FETCH 1:* (UID FLAGS
# INTERNALDATE) (\Recent left out, flags sorted, dates as seconds), and the subscriptions.
# argv: port user password
import imaplib, json, re, sys, time

port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4("127.0.0.1", port)
m.socket().settimeout(20)
m.login(user, pw)
LINE = re.compile(rb'\((.*?)\) "(.*?)" "?([^"]*)"?')

def names(cmd):
    out = {}
    for line in getattr(m, cmd)()[1]:
        if not line:
            continue
        attrs, sep, name = LINE.match(line).groups()
        out[name.decode()] = (attrs, sep.decode())
    return out

result = {"folders": {}, "subscribed": []}
for name, (attrs, sep) in sorted(names("list").items()):
    if b"\\Noselect" in attrs:
        continue
    norm = name.replace(sep, "/")
    st = m.status('"%s"' % name, "(UIDVALIDITY UIDNEXT)")[1][0].decode()
    v = int(re.search(r"UIDVALIDITY (\d+)", st).group(1))
    n = int(re.search(r"UIDNEXT (\d+)", st).group(1))
    count = int(m.select('"%s"' % name, readonly=True)[1][0])
    msgs = []
    if count:
        for item in m.fetch("1:*", "(UID FLAGS INTERNALDATE)")[1]:
            uid = int(re.search(rb"UID (\d+)", item).group(1))
            flags = sorted(f for f in re.search(rb"FLAGS \((.*?)\)", item).group(1).decode().split() if f != "\\Recent")
            date = int(time.mktime(imaplib.Internaldate2tuple(item)))
            msgs.append([uid, flags, date])
    m.close()
    result["folders"][norm] = {"uidvalidity": v, "uidnext": n, "messages": sorted(msgs)}
result["subscribed"] = sorted(n.replace(s, "/") for n, (_, s) in names("lsub").items())
m.logout()
print(json.dumps(result, sort_keys=True))
