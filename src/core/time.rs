//! Time as the outside world sees it: every timestamp mailctl prints or writes to JSON is
//! RFC 3339 in UTC (`2026-12-06T08:26:47Z`). The core stores Unix seconds; these helpers are
//! the one conversion, for tables (`rfc3339`) and for serde (`#[serde(with = "...")]`).
//!
//! Not here: the RFC 5322 `Date:` header of messages (mail-builder / the SMTP code write it).

/// Unix seconds as RFC 3339 UTC; out-of-range values print as the bare number.
pub fn rfc3339(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| secs.to_string())
}

/// `#[serde(serialize_with = "crate::core::time::serialize")]` on an `i64` of Unix seconds.
pub fn serialize<S: serde::Serializer>(secs: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*secs))
}

/// The same for an `Option<i64>` (`null` when absent).
pub fn serialize_opt<S: serde::Serializer>(secs: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match secs {
        Some(t) => s.serialize_str(&rfc3339(*t)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_with_zulu_suffix() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_796_545_607), "2026-12-06T08:26:47Z");
        assert_eq!(super::rfc3339(i64::MAX), i64::MAX.to_string());
    }
}
