//! CAPABILITY, NOOP, LOGOUT, ID, STARTTLS, LOGIN, AUTHENTICATE PLAIN (with SASL-IR) and
//! ENABLE. Passwords never go over a plaintext connection unless the listener allows it
//! (`LOGINDISABLED`, `[PRIVACYREQUIRED]`); SASL responses are decoded by
//! [`crate::auth::sasl`] and verifying them is the driver's job (through
//! [`crate::auth::login`]), since it is blocking work with the database.

use crate::imap::session::{Action, LoginResult, MAX_AUTH_FAILURES, Pending, Session, State};

/// Capabilities once logged in (RFC 9051 §7.2.2 and each extension's RFC).
const AUTHENTICATED: &str = "IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE ID IDLE NAMESPACE UIDPLUS MOVE UNSELECT CHILDREN SPECIAL-USE LIST-EXTENDED LIST-STATUS ESEARCH SEARCHRES CONDSTORE QRESYNC QUOTA QUOTA=RES-STORAGE BINARY STATUS=SIZE WITHIN SORT SORT=DISPLAY ESORT THREAD=ORDEREDSUBJECT THREAD=REFERENCES CONTEXT=SEARCH CONTEXT=SORT NOTIFY OBJECTID PREVIEW SAVEDATE METADATA METADATA-SERVER LIST-METADATA COMPRESS=DEFLATE UTF8=ACCEPT MULTIAPPEND CATENATE";

impl Session {
    pub(crate) fn capabilities(&self) -> String {
        if self.state != State::NotAuthenticated {
            return format!("{AUTHENTICATED} APPENDLIMIT={}", self.cfg.append_limit);
        }
        let mut caps = String::from("IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ENABLE ID IDLE");
        if self.cfg.tls_available && !self.cfg.tls_active {
            caps.push_str(" STARTTLS");
        }
        if self.cfg.plaintext_ok || self.cfg.tls_active {
            caps.push_str(" AUTH=PLAIN");
        } else {
            caps.push_str(" LOGINDISABLED");
        }
        caps
    }
}

pub(crate) fn capability(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    out.extend_from_slice(format!("* CAPABILITY {}\r\n", s.capabilities()).as_bytes());
    s.finish(tag, true, "OK CAPABILITY completed", out);
    None
}

pub(crate) fn logout(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    out.extend_from_slice(b"* BYE mailctl signing off\r\n");
    Session::tagged(out, tag, "OK LOGOUT completed");
    s.state = State::Logout;
    Some(Action::Close)
}

pub(crate) fn id(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    out.extend_from_slice(
        format!(
            "* ID (\"name\" \"mailctl\" \"version\" \"{}\")\r\n",
            env!("CARGO_PKG_VERSION")
        )
        .as_bytes(),
    );
    s.finish(tag, true, "OK ID completed", out);
    None
}

pub(crate) fn starttls(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    if s.cfg.tls_active {
        Session::tagged(out, tag, "BAD TLS is already active");
        return None;
    }
    if !s.cfg.tls_available {
        Session::tagged(
            out,
            tag,
            "NO STARTTLS is not available (no certificate loaded)",
        );
        return None;
    }
    Session::tagged(out, tag, "OK Begin TLS negotiation now");
    Some(Action::StartTls)
}

fn privacy_required(s: &Session, tag: &str, out: &mut Vec<u8>) -> bool {
    if s.cfg.plaintext_ok || s.cfg.tls_active {
        return false;
    }
    Session::tagged(
        out,
        tag,
        "NO [PRIVACYREQUIRED] use STARTTLS (or port 993) before sending a password",
    );
    true
}

pub(crate) fn login(
    s: &mut Session,
    tag: &str,
    user: String,
    password: String,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if privacy_required(s, tag, out) {
        return None;
    }
    s.pending = Pending::Login { tag: tag.into() };
    Some(Action::Authenticate { user, password })
}

pub(crate) fn authenticate(
    s: &mut Session,
    tag: &str,
    mechanism: &str,
    initial: Option<String>,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if !mechanism.eq_ignore_ascii_case("PLAIN") {
        Session::tagged(out, tag, "NO [CANNOT] only AUTHENTICATE PLAIN is supported");
        return None;
    }
    if privacy_required(s, tag, out) {
        return None;
    }
    match initial {
        Some(ir) => plain(s, tag, ir.as_bytes(), out),
        None => {
            out.extend_from_slice(b"+ \r\n");
            s.pending = Pending::SaslResponse { tag: tag.into() };
            None
        }
    }
}

pub(crate) fn sasl_response(
    s: &mut Session,
    tag: &str,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Option<Action> {
    plain(s, tag, line, out)
}

/// One PLAIN response, decoded by [`crate::auth::sasl`]; the replies are IMAP's.
fn plain(s: &mut Session, tag: &str, b64: &[u8], out: &mut Vec<u8>) -> Option<Action> {
    use crate::auth::sasl::SaslError;
    let creds = match crate::auth::sasl::plain(b64) {
        Ok(c) => c,
        Err(e) => {
            let reply = match e {
                SaslError::Cancelled => "BAD AUTHENTICATE cancelled",
                SaslError::Base64 => "BAD AUTHENTICATE: response is not base64",
                SaslError::TooLong => "BAD AUTHENTICATE: response too long",
                SaslError::Malformed => {
                    "BAD AUTHENTICATE PLAIN: expected authzid NUL authcid NUL password"
                }
                SaslError::Utf8 => "BAD AUTHENTICATE PLAIN: not UTF-8",
                SaslError::AuthzidNotPermitted => {
                    "NO [AUTHORIZATIONFAILED] logging in as another user is not allowed"
                }
            };
            Session::tagged(out, tag, reply);
            return None;
        }
    };
    s.pending = Pending::Login { tag: tag.into() };
    Some(Action::Authenticate {
        user: creds.authcid,
        password: creds.password,
    })
}

pub(crate) fn login_result(
    s: &mut Session,
    tag: &str,
    result: LoginResult,
    out: &mut Vec<u8>,
) -> Option<Action> {
    match result {
        LoginResult::Ok {
            user,
            maildir,
            quota,
        } => match s.open_store(&user, &maildir, quota) {
            Ok(acc) => {
                s.account = Some(acc);
                s.login = Some(crate::imap::session::Login {
                    user,
                    root: maildir,
                    quota,
                });
                s.state = State::Authenticated;
                s.raise_limits();
                let caps = s.capabilities();
                Session::tagged(out, tag, &format!("OK [CAPABILITY {caps}] Logged in"));
                None
            }
            Err(e) => {
                tracing::error!("IMAP: cannot open the mailbox of {user}: {e}");
                Session::tagged(out, tag, "NO [UNAVAILABLE] mailbox unavailable; try later");
                None
            }
        },
        LoginResult::Rejected => {
            // Answered by `login_failed` once the driver has paused (`Action::Pause`).
            s.auth_failures += 1;
            s.held = Some((tag.to_string(), false));
            None
        }
        LoginResult::TooManySessions => {
            Session::tagged(
                out,
                tag,
                "NO [LIMIT] too many connections for this user; close another client",
            );
            None
        }
        LoginResult::TempFail(why) => {
            tracing::error!("IMAP login: {why}");
            Session::tagged(out, tag, "NO [UNAVAILABLE] temporary failure; try later");
            None
        }
    }
}

/// The answer to a failed login, after the pause; the last allowed failure also closes.
pub(crate) fn login_failed(s: &mut Session, tag: &str, out: &mut Vec<u8>) -> Option<Action> {
    Session::tagged(out, tag, "NO [AUTHENTICATIONFAILED] Authentication failed");
    if s.auth_failures >= MAX_AUTH_FAILURES {
        out.extend_from_slice(b"* BYE too many failed logins\r\n");
        s.state = State::Logout;
        return Some(Action::Close);
    }
    None
}

/// COMPRESS (RFC 4978): DEFLATE only, once. The client must wait for its answer before
/// sending more (§3): bytes already behind it could be either plain or deflated, so that
/// is BAD rather than a guess.
pub(crate) fn compress(
    s: &mut Session,
    tag: &str,
    mech: &str,
    out: &mut Vec<u8>,
) -> Option<Action> {
    if s.enabled.compress {
        Session::tagged(out, tag, "NO [COMPRESSIONACTIVE] compression is already on");
        return None;
    }
    if mech != "DEFLATE" {
        Session::tagged(out, tag, "BAD COMPRESS: only DEFLATE is supported");
        return None;
    }
    if s.has_unread() {
        Session::tagged(
            out,
            tag,
            "BAD COMPRESS: wait for this answer before sending compressed data",
        );
        return None;
    }
    s.enabled.compress = true;
    s.finish(tag, true, "OK DEFLATE active", out);
    Some(Action::Compress)
}

pub(crate) fn enable(
    s: &mut Session,
    tag: &str,
    caps: &[String],
    out: &mut Vec<u8>,
) -> Option<Action> {
    let mut on = Vec::new();
    for c in caps {
        match c.to_ascii_uppercase().as_str() {
            "CONDSTORE" if !s.enabled.condstore => {
                s.enabled.condstore = true;
                on.push("CONDSTORE");
            }
            "QRESYNC" if !s.enabled.qresync => {
                s.enabled.qresync = true;
                s.enabled.condstore = true;
                on.push("QRESYNC");
            }
            "IMAP4REV2" if !s.enabled.rev2 => {
                s.enabled.rev2 = true;
                on.push("IMAP4rev2");
            }
            "UTF8=ACCEPT" if !s.enabled.utf8 => {
                s.enabled.utf8 = true;
                on.push("UTF8=ACCEPT");
            }
            _ => {}
        }
    }
    out.extend_from_slice(b"* ENABLED");
    for c in on {
        out.push(b' ');
        out.extend_from_slice(c.as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    s.finish(tag, true, "OK ENABLE completed", out);
    None
}
