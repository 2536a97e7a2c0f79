//! Maildir(++) storage: layout, atomic delivery, flags in file names, folder walk.
pub mod deliver;
