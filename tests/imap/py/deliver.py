"""Sends argv[1] messages to alice through the MX listener, subjects TAG-0, TAG-1, ..."""
import smtplib
import sys

import imapt

n, tag = int(sys.argv[1]), sys.argv[2]
with smtplib.SMTP("127.0.0.1", imapt.SMTP, timeout=60) as s:
    for i in range(n):
        body = (
            "From: Carol <carol@example.org>\r\nTo: alice@example.test\r\nSubject: %s-%d\r\n"
            "Message-ID: <%s-%d@example.org>\r\n\r\nline one of %s-%d\r\n.dotted\r\n" % (tag, i, tag, i, tag, i)
        )
        s.sendmail("carol@example.org", ["alice@example.test"], body)
imapt.wait_files(n)
