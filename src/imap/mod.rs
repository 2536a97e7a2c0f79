//! IMAP server (RFC 3501 / 9051) over the Maildir view.
