# Fills a Dovecot account over IMAP the way a user would have: folders (one a hierarchy),
# messages with flags, a keyword and internal dates, some expunged so the UIDs have gaps,
# subscriptions. argv: port user password
import imaplib, sys

port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4("127.0.0.1", port)
m.socket().settimeout(20)
m.login(user, pw)
sep = m.list()[1][0].split(b'"')[1].decode()
folders = ["INBOX", "Archive" + sep + "2024", "Work"]
for f in folders[1:]:
    assert m.create(f)[0] == "OK"
    m.subscribe(f)
# The 2nd and 5th are expunged below; the others carry every system flag and two keywords.
flags = ["(\\Seen)", "()", "(\\Flagged $Label1)", "(\\Answered \\Seen $Forwarded)", "(\\Seen)", "(\\Draft $Label1)"]
for fi, f in enumerate(folders):
    for i in range(6):
        msg = (
            "From: s%d@example.org\r\nTo: %s\r\nSubject: %s message %d\r\n"
            "Message-ID: <%d.%d@fill.test>\r\n\r\nbody %d\r\n" % (i, user, f, i, fi, i, i)
        ).encode()
        typ, _ = m.append(f, flags[i], imaplib.Time2Internaldate(1600000000 + fi * 86400 + i * 3600), msg)
        assert typ == "OK"
    m.select(f)
    # Expunge the 2nd and 5th: gaps in the UIDs.
    m.store("2,5", "+FLAGS", "(\\Deleted)")
    m.expunge()
m.logout()
