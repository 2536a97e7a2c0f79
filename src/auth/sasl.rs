//! SASL responses decoded the same way for every protocol, sans-IO: the PLAIN mechanism
//! (RFC 4616) and LOGIN (draft-murchison-sasl-login-00), as carried by SMTP AUTH (RFC 4954),
//! IMAP AUTHENTICATE (RFC 9051 §6.2.2, SASL-IR RFC 4959) and POP3 AUTH (RFC 5034). Input is
//! one client response without its line ending; output is the next base64 challenge, the
//! credentials, or a [`SaslError`] the protocol turns into its own reply.
//!
//! One authorization-identity rule for everyone: RFC 4616 lets the authzid be empty or name
//! the user who authenticates. mailctl has no proxy authorisation, so any other authzid is
//! [`SaslError::AuthzidNotPermitted`]. "The same user" is compared as addresses (domain and
//! local part case-folded, as [`crate::core::Address`] stores them), so `Alice@EXAMPLE.test`
//! names `alice@example.test`.
//!
//! Not here: whether the password is right, bans and failure counting ([`super::login`]);
//! which mechanisms a protocol offers, and the wire text of its answers (the protocols).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::core::Address;

/// Longest authzid, authcid or password accepted, in octets. RFC 4616 §2 asks servers to
/// take at least 255; some password managers make longer ones, so allow some headroom.
pub const MAX_FIELD: usize = 1024;
/// Longest base64 response decoded: three fields of [`MAX_FIELD`] and their two NULs. Longer
/// input is refused before decoding, so memory stays bounded whatever the peer sends.
pub const MAX_RESPONSE: usize = (3 * MAX_FIELD + 2).div_ceil(3) * 4;

/// The challenges of the LOGIN mechanism: base64 of `Username:` and `Password:`.
const LOGIN_USER: &str = "VXNlcm5hbWU6";
const LOGIN_PASSWORD: &str = "UGFzc3dvcmQ6";

/// The SASL mechanisms mailctl knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mechanism {
    /// RFC 4616.
    Plain,
    /// draft-murchison-sasl-login: the user name, then the password, each base64.
    Login,
}

impl Mechanism {
    /// The mechanism a client named (SASL names are case-insensitive, RFC 4422 §3.1).
    pub fn from_name(name: &str) -> Option<Mechanism> {
        if name.eq_ignore_ascii_case("PLAIN") {
            Some(Mechanism::Plain)
        } else if name.eq_ignore_ascii_case("LOGIN") {
            Some(Mechanism::Login)
        } else {
            None
        }
    }
}

/// Who wants to log in, with what secret. The authzid has been checked and dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub authcid: String,
    pub password: String,
}

/// Why an exchange ended without credentials. None of them is a wrong password: the
/// protocols answer these with their syntax errors (or, for the authzid, their "not
/// permitted" reply) and never count them as a failed password check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SaslError {
    /// The client sent `*` (RFC 4422 §3.5).
    #[error("authentication cancelled")]
    Cancelled,
    #[error("the response is not base64")]
    Base64,
    #[error("the response is not UTF-8")]
    Utf8,
    /// PLAIN without exactly three NUL-separated fields.
    #[error("a PLAIN response is authzid NUL authcid NUL password")]
    Malformed,
    /// Longer than [`MAX_RESPONSE`] or a field longer than [`MAX_FIELD`].
    #[error("the response is too long")]
    TooLong,
    /// An authzid naming someone other than the authcid.
    #[error("the authorization identity differs from the user")]
    AuthzidNotPermitted,
}

/// What the protocol does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this challenge (already base64, may be empty) and pass the client's next line
    /// to [`Exchange::respond`].
    Challenge(&'static str),
    Done(Credentials),
    Failed(SaslError),
}

/// One SASL exchange in progress (PLAIN or LOGIN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    mechanism: Mechanism,
    /// LOGIN's user name, once given.
    user: Option<String>,
}

impl Exchange {
    /// Starts an exchange, with the initial response if the client sent one (SMTP AUTH's
    /// second argument, IMAP SASL-IR, POP3 AUTH's second argument; `=` is an empty one).
    pub fn start(mechanism: Mechanism, initial: Option<&[u8]>) -> (Exchange, Step) {
        let mut ex = Exchange {
            mechanism,
            user: None,
        };
        let step = match initial {
            Some(r) => ex.respond(r),
            None => Step::Challenge(match mechanism {
                Mechanism::Plain => "",
                Mechanism::Login => LOGIN_USER,
            }),
        };
        (ex, step)
    }

    /// The client's response to the last challenge, without its line ending.
    pub fn respond(&mut self, response: &[u8]) -> Step {
        let step = match self.mechanism {
            Mechanism::Plain => plain(response).map(Step::Done),
            Mechanism::Login => self.login(response),
        };
        step.unwrap_or_else(Step::Failed)
    }

    fn login(&mut self, response: &[u8]) -> Result<Step, SaslError> {
        let field = utf8(decode(response)?)?;
        if field.len() > MAX_FIELD {
            return Err(SaslError::TooLong);
        }
        Ok(match self.user.take() {
            None => {
                self.user = Some(field);
                Step::Challenge(LOGIN_PASSWORD)
            }
            Some(authcid) => Step::Done(Credentials {
                authcid,
                password: field,
            }),
        })
    }
}

/// One PLAIN response (RFC 4616 §2): base64 of `[authzid] NUL authcid NUL passwd`, checked
/// against the one authorization-identity rule. For protocols that offer PLAIN only.
pub fn plain(response: &[u8]) -> Result<Credentials, SaslError> {
    let raw = decode(response)?;
    let fields: Vec<&[u8]> = raw.split(|&b| b == 0).collect();
    let [authz, authc, pass] = fields.as_slice() else {
        return Err(SaslError::Malformed);
    };
    if [authz, authc, pass].iter().any(|f| f.len() > MAX_FIELD) {
        return Err(SaslError::TooLong);
    }
    let (authz, authcid, password) = (
        utf8(authz.to_vec())?,
        utf8(authc.to_vec())?,
        utf8(pass.to_vec())?,
    );
    if !authzid_permitted(&authz, &authcid) {
        return Err(SaslError::AuthzidNotPermitted);
    }
    Ok(Credentials { authcid, password })
}

/// RFC 4616 §2: an empty authzid, or one naming the authenticating user. Names that are
/// not addresses must match exactly (they cannot log in anyway).
pub fn authzid_permitted(authzid: &str, authcid: &str) -> bool {
    if authzid.is_empty() || authzid == authcid {
        return true;
    }
    match (Address::parse(authzid), Address::parse(authcid)) {
        (Ok(z), Ok(c)) => z == c,
        _ => false,
    }
}

/// `*` cancels, `=` is an empty response, anything else must be base64 and not too long.
fn decode(response: &[u8]) -> Result<Vec<u8>, SaslError> {
    match response {
        b"*" => Err(SaslError::Cancelled),
        b"=" => Ok(Vec::new()),
        r if r.len() > MAX_RESPONSE => Err(SaslError::TooLong),
        r => STANDARD.decode(r).map_err(|_| SaslError::Base64),
    }
}

fn utf8(raw: Vec<u8>) -> Result<String, SaslError> {
    String::from_utf8(raw).map_err(|_| SaslError::Utf8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn b64(s: &[u8]) -> Vec<u8> {
        STANDARD.encode(s).into_bytes()
    }

    fn creds(user: &str, pw: &str) -> Credentials {
        Credentials {
            authcid: user.into(),
            password: pw.into(),
        }
    }

    #[test]
    fn plain_fields_and_the_authzid_rule() {
        let ok = |raw: &[u8]| plain(&b64(raw));
        assert_eq!(
            ok(b"\0alice@example.test\0pw"),
            Ok(creds("alice@example.test", "pw"))
        );
        assert_eq!(
            ok(b"alice@example.test\0alice@example.test\0pw"),
            Ok(creds("alice@example.test", "pw"))
        );
        // Compared as addresses: the same user whatever the case.
        assert_eq!(
            ok(b"Alice@EXAMPLE.test\0alice@example.test\0pw"),
            Ok(creds("alice@example.test", "pw"))
        );
        for other in [
            &b"bob@example.test\0alice@example.test\0pw"[..],
            b"alice@example.org\0alice@example.test\0pw",
            b"alice\0alice@example.test\0pw",
            b"bob\0alice\0pw",
        ] {
            assert_eq!(ok(other), Err(SaslError::AuthzidNotPermitted));
        }
        // A password may hold anything but NUL, spaces included.
        assert_eq!(ok(b"\0u\0a b "), Ok(creds("u", "a b ")));
        assert_eq!(ok(b"\0u\0"), Ok(creds("u", "")));
    }

    #[test]
    fn plain_errors_are_told_apart() {
        assert_eq!(plain(b"*"), Err(SaslError::Cancelled));
        assert_eq!(plain(b"=").unwrap_err(), SaslError::Malformed);
        assert_eq!(plain(b"not base64!"), Err(SaslError::Base64));
        assert_eq!(plain(b"AGFsaWNl"), Err(SaslError::Malformed));
        assert_eq!(plain(&b64(b"\0a\0b\0c")), Err(SaslError::Malformed));
        assert_eq!(plain(&b64(b"\0\xff\0pw")), Err(SaslError::Utf8));
        let long = [b"\0u\0".as_slice(), &[b'x'; MAX_FIELD + 1]].concat();
        assert_eq!(plain(&b64(&long)), Err(SaslError::TooLong));
        let max = [b"\0u\0".as_slice(), &[b'x'; MAX_FIELD]].concat();
        assert!(plain(&b64(&max)).is_ok());
        assert_eq!(
            plain(&vec![b'A'; MAX_RESPONSE + 4]),
            Err(SaslError::TooLong)
        );
    }

    #[test]
    fn exchanges_with_and_without_initial_response() {
        let (_, step) = Exchange::start(Mechanism::Plain, Some(&b64(b"\0u\0p")));
        assert_eq!(step, Step::Done(creds("u", "p")));

        let (mut ex, step) = Exchange::start(Mechanism::Plain, None);
        assert_eq!(step, Step::Challenge(""));
        assert_eq!(ex.respond(b"*"), Step::Failed(SaslError::Cancelled));

        let (mut ex, step) = Exchange::start(Mechanism::Login, None);
        assert_eq!(step, Step::Challenge("VXNlcm5hbWU6"));
        assert_eq!(ex.respond(&b64(b"u")), Step::Challenge("UGFzc3dvcmQ6"));
        assert_eq!(ex.respond(&b64(b"p w")), Step::Done(creds("u", "p w")));

        let (mut ex, step) = Exchange::start(Mechanism::Login, Some(&b64(b"u")));
        assert_eq!(step, Step::Challenge("UGFzc3dvcmQ6"));
        assert_eq!(ex.respond(b"%%"), Step::Failed(SaslError::Base64));

        assert_eq!(Mechanism::from_name("login"), Some(Mechanism::Login));
        assert_eq!(Mechanism::from_name("CRAM-MD5"), None);
    }

    proptest! {
        /// Whatever a peer sends, decoding ends in a step, never a panic, and nothing
        /// longer than the limits comes out.
        #[test]
        fn arbitrary_responses_never_panic(
            plain_login in any::<bool>(),
            initial in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..200)),
            lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..5000), 0..4),
        ) {
            let mech = if plain_login { Mechanism::Plain } else { Mechanism::Login };
            let (mut ex, mut step) = Exchange::start(mech, initial.as_deref());
            for l in &lines {
                if !matches!(step, Step::Challenge(_)) {
                    break;
                }
                step = ex.respond(l);
            }
            if let Step::Done(c) = step {
                prop_assert!(c.authcid.len() <= MAX_FIELD && c.password.len() <= MAX_FIELD);
            }
        }

        /// The same for well-formed base64 of arbitrary bytes, which gets past the decoding.
        #[test]
        fn arbitrary_decoded_bytes_never_panic(
            plain_login in any::<bool>(),
            raws in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3200), 1..4),
        ) {
            let mech = if plain_login { Mechanism::Plain } else { Mechanism::Login };
            let (mut ex, _) = Exchange::start(mech, None);
            for r in &raws {
                if let Step::Done(c) = ex.respond(&b64(r)) {
                    prop_assert!(c.authcid.len() <= MAX_FIELD && c.password.len() <= MAX_FIELD);
                    break;
                }
            }
        }

        /// Well-formed PLAIN responses come back as they went in.
        #[test]
        fn plain_round_trips(user in "[^\x00]{0,300}", pw in "[^\x00]{0,300}") {
            let raw = format!("\0{user}\0{pw}");
            prop_assert_eq!(plain(&b64(raw.as_bytes())), Ok(creds(&user, &pw)));
        }
    }
}
