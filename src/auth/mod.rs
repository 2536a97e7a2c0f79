//! Authentication: password hashing and verification, SASL mechanisms.
