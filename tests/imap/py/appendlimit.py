# Prints the APPENDLIMIT a fresh, logged-in IMAP session announces (RFC 7889).
import imaplib, os, re

m = imaplib.IMAP4("127.0.0.1", int(os.environ["IMAP_PORT"]))
m.login("alice@example.test", os.environ["IMAP_PASSWORD"])
typ, data = m.capability()
assert typ == "OK", (typ, data)
limit = re.search(rb"APPENDLIMIT=(\d+)", data[0])
assert limit, data
print(limit.group(1).decode())
m.logout()
