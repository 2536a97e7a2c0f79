//! Networking: listeners, TLS, connection limits, auth-failure bans, graceful shutdown.
