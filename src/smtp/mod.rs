//! SMTP: the server session (MX and submission), local delivery, outbound client and queue.
