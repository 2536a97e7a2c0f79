//! POP3 server (RFC 1939, 2449, 5034) over the Maildir INBOX.
