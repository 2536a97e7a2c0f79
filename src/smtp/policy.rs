//! What the session asks the rest of the server: who a recipient is, whether a login is good,
//! whether a user may use a sender address, and where message bytes go.
//!
//! The session calls these synchronously; the network driver runs the session off the tokio
//! workers (`spawn_blocking`), so implementations may block on SQLite and fsync.

use std::net::IpAddr;

use crate::core::Address;

/// What a recipient is, as far as this server is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RcptCheck {
    /// A local user, alias, list or catch-all that will take the message.
    Local,
    /// A local mailbox that is full (`452 4.2.2`).
    OverQuota,
    /// A local domain without such a user (`550 5.1.1`).
    UnknownLocal,
    /// An SRS address (`core::srs`) we did not make, or made too long ago (`550 5.1.1`): a
    /// forged or stale bounce.
    BadSrs,
    /// A domain this server does not serve: relaying.
    NotLocal,
    /// A domain this server is backup MX for, and a recipient its primary accepts
    /// (`smtp::backupmx`): queued for the primary, never delivered here.
    Backup,
    /// A domain this server is backup MX for, and a recipient its primary refused
    /// (`550 5.1.1`, `refused`) or that cannot be verified now (`450 4.1.1`).
    Unverified { refused: bool },
    /// The lookup failed for a reason that may pass (`451 4.3.0`).
    TempFail,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthVerdict {
    /// Logged in as this address.
    Ok(Address),
    /// Wrong user or password (`535 5.7.8`).
    Failed,
    /// This client address has failed too often (`421 4.7.0`, then close).
    Banned,
    /// The check could not be made (`454 4.7.0`).
    TempFail,
}

/// A recipient accepted at RCPT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub address: Address,
    /// Whether it is in a local domain (delivered into a Maildir) or left for outbound.
    pub local: bool,
    /// RFC 3461 `NOTIFY` and `ORCPT`.
    pub dsn: crate::core::dsn::RcptDsn,
    /// This recipient's Maildir++ folder when the inbound decision for it differs from the
    /// message's (`Junk` for one recipient, INBOX for another); `None` = [`Accepted::folder`].
    pub folder: Option<String>,
}

/// A message accepted at the end of DATA/BDAT: its envelope (RFC 5321 §2.3.1) with the
/// recipients resolved, and what the session knows about it (login, size, DSN, target
/// folder), handed to [`MessageSink::commit`]. Not `inbound::Envelope`, the plain envelope
/// the inbound checks see before the message is accepted.
#[derive(Debug, Clone)]
pub struct Accepted {
    /// `None` is the null reverse-path `<>`.
    pub mail_from: Option<Address>,
    pub recipients: Vec<Recipient>,
    pub auth_user: Option<Address>,
    pub remote_ip: IpAddr,
    pub helo: String,
    pub smtputf8: bool,
    /// Message size in octets as stored (including the added `Received:`).
    pub size: u64,
    /// RFC 3461 `RET` and `ENVID`.
    pub dsn: crate::core::dsn::MessageDsn,
    /// The Maildir++ folder local copies go to (`Junk` when the inbound checks judged the
    /// message junk); `None` for INBOX.
    pub folder: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum SpoolError {
    /// No space left (or quota on the spool): `452 4.3.1`, nothing accepted.
    #[error("insufficient system storage: {0}")]
    NoSpace(String),
    /// The message would take the recipients' mailboxes over their quota: `552 5.2.2`
    /// (RFC 3463: mailbox full), nothing accepted. The text names the mailboxes.
    #[error("mailbox full: {0}")]
    MailboxFull(String),
    /// Anything else: `451 4.3.0`.
    #[error("{0}")]
    Other(String),
}

impl SpoolError {
    pub fn from_io(e: std::io::Error) -> SpoolError {
        // ENOSPC and EDQUOT are the "disk full" family; both mean "try later", never "lost".
        match e.raw_os_error() {
            Some(libc::ENOSPC) | Some(libc::EDQUOT) => SpoolError::NoSpace(e.to_string()),
            _ if e.kind() == std::io::ErrorKind::StorageFull => SpoolError::NoSpace(e.to_string()),
            _ => SpoolError::Other(e.to_string()),
        }
    }
}

/// Where the bytes of one message go while it streams in.
pub trait MessageSink: Send {
    /// The queue id this message will have (named in `Received:` and the 250 reply).
    fn id(&self) -> &str;
    fn write(&mut self, bytes: &[u8]) -> Result<(), SpoolError>;
    /// Makes the message durable (file, directory, queue row) and returns its queue id.
    /// Only after this returns `Ok` may the session answer `250`.
    fn commit(self: Box<Self>, envelope: &Accepted) -> Result<String, SpoolError>;
    /// Throws the partial message away.
    fn abort(self: Box<Self>);
    /// Everything written so far, for the inbound checks at the end of data.
    fn written(&mut self) -> Result<Vec<u8>, SpoolError> {
        Err(SpoolError::Other("this sink cannot read back".into()))
    }
    /// Puts `header` before everything written so far (the `Authentication-Results:` the
    /// inbound checks produce once the whole message is in).
    fn prepend(&mut self, _header: &[u8]) -> Result<(), SpoolError> {
        Err(SpoolError::Other("this sink cannot prepend".into()))
    }
}

/// The step of an authenticated user's transaction the outbound limits are asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendStep {
    /// MAIL: may another message start (messages per hour)?
    Mail,
    /// RCPT: may one more recipient be added, `pending` being accepted already in this
    /// transaction (recipients per day)?
    Rcpt { pending: usize },
    /// The end of data, before the commit: the message with `rcpts` recipients is counted if
    /// both limits still allow it (another session may have sent meanwhile).
    Data { rcpts: usize },
}

/// The server's rules, as the session sees them.
pub trait Policy: Send {
    /// Classifies a recipient (after the session has refused source routes and other tricks).
    fn check_recipient(&mut self, rcpt: &Address) -> RcptCheck;
    /// Checks a login. Implementations count failures per `ip` and ban.
    fn authenticate(&mut self, ip: IpAddr, user: &str, password: &str) -> AuthVerdict;
    /// Whether `user` may use `from` as its MAIL FROM or in the header `From:`/`Sender:`
    /// (own address or one of its aliases).
    fn may_send_as(&mut self, user: &Address, from: &Address) -> bool;
    /// The addresses `user` may send as, to name them when a sender is refused.
    fn sendable_addresses(&mut self, user: &Address) -> Vec<Address> {
        vec![user.clone()]
    }
    /// Octets the spool can still take, after the safety margin it keeps free; `None` when
    /// unknown. A `MAIL … SIZE=` above it gets `452 4.3.1`.
    fn spool_space(&mut self) -> Option<u64> {
        None
    }
    /// The address `RCPT TO:<Postmaster>` (no domain, RFC 5321 §4.5.1) stands for.
    fn postmaster(&mut self) -> Option<Address>;
    /// Starts spooling a new message.
    fn begin_message(&mut self) -> Result<Box<dyn MessageSink>, SpoolError>;
    /// Port 25 only, as a client that may not relay connects: start the connect stage's
    /// lookups (DNS lists, iprev) and return at once; the greeting never waits on DNS.
    fn inbound_connect(&mut self, _ip: IpAddr) {}
    /// Port 25 only, for a local recipient of a client that may not relay: the blocklist
    /// that refuses this client (`inbound.dnsbl_action = reject`), from the lookups
    /// [`Policy::inbound_connect`] started (waited for here the first time).
    fn inbound_client(&mut self, _ip: IpAddr) -> Option<crate::inbound::connect::Listed> {
        None
    }
    /// Port 25 only: the SPF check of the MAIL stage; `Some(reason)` when the settings say
    /// to refuse the sender now (`inbound.spf_fail = reject`).
    fn inbound_mail(
        &mut self,
        _ip: IpAddr,
        _helo: &str,
        _mail_from: Option<&Address>,
    ) -> Option<String> {
        None
    }
    /// Port 25 only, for a local recipient of a client that may not relay: greylisting
    /// (`inbound.greylist`); `Some(seconds)` until a retry would pass when deferred.
    fn inbound_rcpt(
        &mut self,
        _ip: IpAddr,
        _helo: &str,
        _mail_from: Option<&Address>,
        _rcpt: &Address,
    ) -> Option<i64> {
        None
    }
    /// Authenticated senders only (local `sendmail` never comes here): the outbound abuse
    /// limits per user (`submission.max_messages_per_hour`, `submission.max_recipients_per_day`,
    /// `user set --send-limit`). `Some` when `step` would exceed one; at [`SendStep::Data`]
    /// the message is counted when `None` is returned.
    fn send_limit(
        &mut self,
        _user: &Address,
        _step: SendStep,
    ) -> Option<crate::core::sendlimit::Hit> {
        None
    }
    /// The inbound pipeline's report on a finished message from port 25 (never called for
    /// submission); `None` when the checks are off (setting `inbound.checks`).
    fn inbound(
        &mut self,
        _envelope: &Accepted,
        _sink: &mut dyn MessageSink,
    ) -> Option<crate::inbound::Report> {
        None
    }
}
