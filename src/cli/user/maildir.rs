//! The Maildir side of `user add`/`remove`: shared with the web administration, so it
//! lives in `core::userdir`.

pub use crate::core::userdir::*;
