//! The Sender Rewriting Scheme (SRS) as Shevek's libsrs2 defines it and Postfix's postsrsd
//! uses it, so that mail forwarded from here passes SPF at the next hop: the envelope sender
//! becomes an address in our domain, and a bounce to it is verified and sent on to the
//! original sender.
//!
//! - `SRS0=HHHH=TT=domain=local@srs-domain` for a plain sender `local@domain`: `TT` is the day
//!   (days since 1970 modulo 1024) in two base32 characters, `HHHH` the first four base64
//!   characters of HMAC-SHA1(secret, TT + domain + local), lowercased before hashing so an
//!   MTA that lowercases local parts does not break it (compared case-insensitively, as
//!   libsrs2 does).
//! - `SRS1=HHHH=first-host==opaque@srs-domain` for a sender that is already `SRS0=opaque@
//!   first-host` (the guarded scheme): the hash covers first-host and the opaque part, and
//!   reversing yields `SRS0=opaque@first-host`, which that host reverses in turn. Re-forwarding
//!   an SRS1 keeps the first host and opaque part and only re-signs them.
//!
//! An address older than [`MAX_AGE_DAYS`] or whose hash does not verify is refused: only
//! addresses we made, for three weeks, reverse; so an SRS address is no open relay.
//!
//! The secret: `<data-dir>/srs.secret`, 0600, generated on first use (32 random bytes,
//! base64). A file, not a `config` setting, so it never shows in `config list`, logs or a
//! settings dump, and sits with the other keys (`tls/`, `dkim/`); several machines forwarding
//! for one domain share it by copying the file. Each line is one secret: the first signs,
//! every line verifies, so a secret is rotated by adding a new first line and deleting the
//! old one three weeks later.
//!
//! Not here: when a message is rewritten (`smtp::forward`), the `srs.domain` setting's
//! default (`smtp::forward` uses the forwarding address's domain).

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use base64::Engine;
use ring::hmac;

/// How long an SRS address can be bounced to (libsrs2's default maxage is 21 days).
pub const MAX_AGE_DAYS: u64 = 21;
/// Characters of the base64 HMAC kept (libsrs2's default hashlength).
const HASH_LEN: usize = 4;
/// The timestamp wraps after this many days (two base32 characters).
const STAMP_WRAP: u64 = 1024;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SrsError {
    #[error("not an SRS address")]
    NotSrs,
    #[error("malformed SRS address")]
    Malformed,
    #[error("SRS hash does not verify (forged or altered address)")]
    BadHash,
    #[error("SRS address expired (older than {MAX_AGE_DAYS} days)")]
    Expired,
}

/// The server's SRS secrets: the first signs, each verifies.
#[derive(Clone)]
pub struct Srs {
    keys: Vec<hmac::Key>,
}

impl std::fmt::Debug for Srs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Srs({} secrets)", self.keys.len())
    }
}

/// Today as SRS counts it: days since the Unix epoch.
pub fn today() -> u64 {
    (super::now().max(0) as u64) / 86400
}

/// Whether a local part is an SRS address (`SRS0=`/`SRS1=`, any case).
pub fn is_srs(local: &str) -> bool {
    let l = local.as_bytes();
    l.len() > 5
        && l[..3].eq_ignore_ascii_case(b"SRS")
        && matches!(l[3], b'0' | b'1')
        && matches!(l[4], b'=' | b'-' | b'+')
}

impl Srs {
    /// From the secrets themselves (at least one; empty ones are skipped).
    pub fn new<S: AsRef<[u8]>>(secrets: &[S]) -> Option<Srs> {
        let keys: Vec<_> = secrets
            .iter()
            .map(AsRef::as_ref)
            .filter(|s| !s.is_empty())
            .map(|s| hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, s))
            .collect();
        (!keys.is_empty()).then_some(Srs { keys })
    }

    /// The secrets in `<data-dir>/srs.secret`, made on first use.
    pub fn load(data_dir: &super::DataDir) -> std::io::Result<Srs> {
        let path = secret_path(data_dir.root());
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                create_secret(&path)?;
                data_dir.hand_over(&[&path])?;
                std::fs::read_to_string(&path)?
            }
            Err(e) => return Err(e),
        };
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        Srs::new(&lines).ok_or_else(|| {
            std::io::Error::other(format!(
                "{} holds no secret; delete it to have a new one made",
                path.display()
            ))
        })
    }

    /// The envelope sender for `sender` (`local@domain`) forwarded through `srs_domain` on day
    /// `day`: SRS0 for a plain address, SRS1 for one that is SRS already.
    pub fn forward(&self, sender: &str, srs_domain: &str, day: u64) -> Result<String, SrsError> {
        let (local, domain) = sender.rsplit_once('@').ok_or(SrsError::Malformed)?;
        if local.is_empty() || domain.is_empty() {
            return Err(SrsError::Malformed);
        }
        if is_srs(local) {
            let (first, opaque) = if local.as_bytes()[3] == b'1' {
                // SRS1=HHHH=first==opaque: keep the first host and its opaque part.
                let rest = &local[5..];
                let (_hash, rest) = rest.split_once('=').ok_or(SrsError::Malformed)?;
                let (first, opaque) = rest.split_once("==").ok_or(SrsError::Malformed)?;
                (first.to_string(), opaque.to_string())
            } else {
                (domain.to_string(), local[5..].to_string())
            };
            let hash = self.hash(0, &[first.as_bytes(), opaque.as_bytes()]);
            return Ok(format!("SRS1={hash}={first}=={opaque}@{srs_domain}"));
        }
        let stamp = stamp(day);
        let hash = self.hash(0, &[stamp.as_bytes(), domain.as_bytes(), local.as_bytes()]);
        Ok(format!("SRS0={hash}={stamp}={domain}={local}@{srs_domain}"))
    }

    /// Where a bounce to the SRS local part `local` goes: the original sender for SRS0, the
    /// first forwarder's SRS0 address for SRS1. Refuses what we did not make or what expired.
    pub fn reverse(&self, local: &str, day: u64) -> Result<String, SrsError> {
        if !is_srs(local) {
            return Err(SrsError::NotSrs);
        }
        let rest = &local[5..];
        let (hash, rest) = rest.split_once('=').ok_or(SrsError::Malformed)?;
        if local.as_bytes()[3] == b'1' {
            let (first, opaque) = rest.split_once("==").ok_or(SrsError::Malformed)?;
            if first.is_empty() || opaque.is_empty() {
                return Err(SrsError::Malformed);
            }
            self.verify(hash, &[first.as_bytes(), opaque.as_bytes()])?;
            return Ok(format!("SRS0={opaque}@{first}"));
        }
        let mut parts = rest.splitn(3, '=');
        let (Some(stamp), Some(domain), Some(orig)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(SrsError::Malformed);
        };
        if domain.is_empty() || orig.is_empty() {
            return Err(SrsError::Malformed);
        }
        let then = parse_stamp(stamp).ok_or(SrsError::Malformed)?;
        self.verify(
            hash,
            &[stamp.as_bytes(), domain.as_bytes(), orig.as_bytes()],
        )?;
        // Days since it was made, across the wrap; a stamp from the future is as bad.
        let age = (day % STAMP_WRAP + STAMP_WRAP - then) % STAMP_WRAP;
        if age > MAX_AGE_DAYS {
            return Err(SrsError::Expired);
        }
        Ok(format!("{orig}@{domain}"))
    }

    fn verify(&self, given: &str, parts: &[&[u8]]) -> Result<(), SrsError> {
        let ok = (0..self.keys.len()).any(|k| {
            let want = self.hash(k, parts);
            // Case-insensitive, as libsrs2: some MTAs lowercase the local part on the way.
            // (Without an early exit, so the time taken says nothing about the hash.)
            given.len() == want.len()
                && given.bytes().zip(want.bytes()).fold(0u8, |d, (a, b)| {
                    d | (a.to_ascii_lowercase() ^ b.to_ascii_lowercase())
                }) == 0
        });
        if ok { Ok(()) } else { Err(SrsError::BadHash) }
    }

    fn hash(&self, key: usize, parts: &[&[u8]]) -> String {
        let mut ctx = hmac::Context::with_key(&self.keys[key]);
        for p in parts {
            ctx.update(p.to_ascii_lowercase().as_slice());
        }
        let tag = ctx.sign();
        let mut b64 = base64::engine::general_purpose::STANDARD.encode(tag.as_ref());
        b64.truncate(HASH_LEN);
        b64
    }
}

fn stamp(day: u64) -> String {
    let t = day % STAMP_WRAP;
    let hi = BASE32[((t >> 5) & 31) as usize] as char;
    let lo = BASE32[(t & 31) as usize] as char;
    format!("{hi}{lo}")
}

fn parse_stamp(s: &str) -> Option<u64> {
    let b = s.as_bytes();
    if b.len() != 2 {
        return None;
    }
    let val = |c: u8| {
        BASE32
            .iter()
            .position(|x| *x == c.to_ascii_uppercase())
            .map(|p| p as u64)
    };
    Some(val(b[0])? << 5 | val(b[1])?)
}

fn secret_path(root: &Path) -> PathBuf {
    root.join("srs.secret")
}

/// Writes a new random secret; a concurrent first use that made the file already wins.
fn create_secret(path: &Path) -> std::io::Result<()> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| std::io::Error::other(e.to_string()))?;
    let line = base64::engine::general_purpose::STANDARD.encode(raw);
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_all()?;
    // A hard link never replaces: whoever links first made the secret everyone uses.
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn srs() -> Srs {
        Srs::new(&["test secret"]).unwrap()
    }

    #[test]
    fn srs0_round_trip_and_format() {
        let s = srs();
        let a = s.forward("alice@sender.test", "fwd.test", 20000).unwrap();
        let (local, dom) = a.rsplit_once('@').unwrap();
        assert_eq!(dom, "fwd.test");
        let parts: Vec<&str> = local.split('=').collect();
        assert_eq!(parts[0], "SRS0");
        assert_eq!(parts[1].len(), 4);
        assert_eq!(parts[2], stamp(20000));
        assert_eq!(&parts[3..], ["sender.test", "alice"]);
        assert_eq!(s.reverse(local, 20000).unwrap(), "alice@sender.test");
    }

    #[test]
    fn srs1_for_srs0_senders_reverses_to_the_first_hop() {
        let first = Srs::new(&["first"]).unwrap();
        let a = first.forward("bob@origin.test", "hop1.test", 100).unwrap();
        let s = srs();
        let b = s.forward(&a, "hop2.test", 100).unwrap();
        assert!(b.starts_with("SRS1=") && b.contains("=hop1.test==") && b.ends_with("@hop2.test"));
        let back = s.reverse(b.rsplit_once('@').unwrap().0, 100).unwrap();
        assert_eq!(back, a);
        // A third hop re-signs the same first host and opaque part.
        let c = srs().forward(&b, "hop3.test", 100).unwrap();
        assert_eq!(s.reverse(c.rsplit_once('@').unwrap().0, 100).unwrap(), a);
        assert_eq!(
            first.reverse(a.rsplit_once('@').unwrap().0, 100).unwrap(),
            "bob@origin.test"
        );
    }

    #[test]
    fn forged_altered_and_expired_are_refused() {
        let s = srs();
        let a = s.forward("alice@sender.test", "fwd.test", 500).unwrap();
        let local = a.rsplit_once('@').unwrap().0;
        assert_eq!(
            Srs::new(&["other"]).unwrap().reverse(local, 500),
            Err(SrsError::BadHash)
        );
        let redirected = local.replace("sender.test", "victim.test");
        assert_eq!(s.reverse(&redirected, 500), Err(SrsError::BadHash));
        assert_eq!(
            s.reverse(local, 500 + MAX_AGE_DAYS),
            Ok("alice@sender.test".into())
        );
        assert_eq!(
            s.reverse(local, 500 + MAX_AGE_DAYS + 1),
            Err(SrsError::Expired)
        );
        assert_eq!(s.reverse(local, 499), Err(SrsError::Expired));
        assert_eq!(s.reverse("SRS0=xxxx", 500), Err(SrsError::Malformed));
        assert_eq!(s.reverse("SRS0=abcd=!!=d=l", 500), Err(SrsError::Malformed));
        assert_eq!(s.reverse("alice", 500), Err(SrsError::NotSrs));
    }

    #[test]
    fn stamps_wrap_and_old_secrets_still_verify() {
        let s = srs();
        let a = s.forward("x@y.test", "f.test", 1023).unwrap();
        assert_eq!(
            s.reverse(a.rsplit_once('@').unwrap().0, 1024 + 5),
            Ok("x@y.test".into())
        );
        let rotated = Srs::new(&["new secret", "test secret"]).unwrap();
        assert_eq!(
            rotated.reverse(a.rsplit_once('@').unwrap().0, 1023),
            Ok("x@y.test".into())
        );
        assert_eq!(parse_stamp("zz"), parse_stamp("ZZ"));
    }

    #[test]
    fn the_secret_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let dd = crate::core::DataDir::new(dir.path());
        let a = Srs::load(&dd)
            .unwrap()
            .forward("a@b.test", "c.test", 1)
            .unwrap();
        let b = Srs::load(&dd)
            .unwrap()
            .forward("a@b.test", "c.test", 1)
            .unwrap();
        assert_eq!(a, b);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("srs.secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(Srs::new(&[""]).is_none());
    }

    proptest! {
        #[test]
        fn round_trips_any_case(local in "[A-Za-z0-9._+-]{1,30}", domain in "[a-z0-9-]{1,20}\\.[a-z]{2,6}", day in 0u64..100_000, age in 0u64..=MAX_AGE_DAYS) {
            let s = srs();
            let a = s.forward(&format!("{local}@{domain}"), "fwd.test", day).unwrap();
            let srs_local = a.rsplit_once('@').unwrap().0;
            prop_assert_eq!(s.reverse(srs_local, day + age).unwrap(), format!("{local}@{domain}"));
            // An MTA that changes the case of the local part does not break it.
            let lower = s.reverse(&srs_local.to_ascii_lowercase(), day + age).unwrap();
            prop_assert_eq!(lower.to_ascii_lowercase(), format!("{local}@{domain}").to_ascii_lowercase());
            let upper = s.reverse(&srs_local.to_ascii_uppercase(), day + age).unwrap();
            prop_assert_eq!(upper.to_ascii_lowercase(), format!("{local}@{domain}").to_ascii_lowercase());
        }

        #[test]
        fn tampering_is_refused(local in "[a-z0-9]{1,20}", day in 0u64..10_000, pos in 0usize..64, c in "[a-z0-9]") {
            let s = srs();
            let a = s.forward(&format!("{local}@x.test"), "fwd.test", day).unwrap();
            let srs_local = a.rsplit_once('@').unwrap().0.to_string();
            let mut bytes = srs_local.clone().into_bytes();
            let i = 5 + pos % (bytes.len() - 5);
            let c = c.as_bytes()[0];
            prop_assume!(!bytes[i].eq_ignore_ascii_case(&c) && bytes[i] != b'=');
            bytes[i] = c;
            let tampered = String::from_utf8(bytes).unwrap();
            prop_assert!(s.reverse(&tampered, day).is_err(), "{} accepted", tampered);
        }

        #[test]
        fn reverse_never_panics(input in "\\PC{0,80}") {
            let _ = srs().reverse(&input, 1234);
            let _ = srs().forward(&input, "f.test", 1234);
        }
    }
}
