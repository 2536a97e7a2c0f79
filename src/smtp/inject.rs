//! Queues a message made on this machine (a bounce, or `sendmail` input) exactly as if it
//! had arrived over SMTP: spool file written and fsynced, directory fsynced, queue rows
//! committed. Recipients in our domains are marked local for the Maildir deliverer; the
//! rest go to the outbound runner.
//!
//! The same header policy as SMTP applies (`headers.rs`): a `Return-Path:` or an
//! `Authentication-Results:` in our name given to `sendmail` is removed, as on the wire.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::core::queue::NewMessage;
use crate::core::{Address, CoreError, Db};
use crate::maildir::deliver::sync_dir;

/// Where a locally made message came from, for its queue row.
pub struct Origin<'a> {
    /// The login of the user who made it (`sendmail`), if any.
    pub user: Option<&'a str>,
    /// What the Received header and queue row call the source.
    pub helo: &'a str,
}

/// Queues `message` for `recipients` with envelope sender `mail_from` (empty for `<>`).
/// Returns the queue id. Lone LFs become CRLF, as on the wire.
/// Queues a report this server writes itself (bounce, delay or success notice) to `to`,
/// from the null reverse-path (RFC 5321 §4.5.5: a report never causes another report).
pub fn inject_report(
    db: &mut Db,
    queue_dir: &Path,
    hostname: &str,
    to: &Address,
    report: &[u8],
) -> Result<String, CoreError> {
    let origin = Origin {
        user: None,
        helo: hostname,
    };
    inject(db, queue_dir, "", std::slice::from_ref(to), report, &origin)
}

pub fn inject(
    db: &mut Db,
    queue_dir: &Path,
    mail_from: &str,
    recipients: &[Address],
    message: &[u8],
    origin: &Origin<'_>,
) -> Result<String, CoreError> {
    let none = (&crate::core::dsn::MessageDsn::default(), &[][..]);
    inject_with_dsn(
        db,
        queue_dir,
        (mail_from, recipients),
        message,
        origin,
        none,
    )
}

/// [`inject`] with RFC 3461 parameters: the message's, and each recipient's in the order of
/// `recipients` (a forwarded copy keeps those of the recipient that forwarded it, §6.2).
pub fn inject_with_dsn(
    db: &mut Db,
    queue_dir: &Path,
    (mail_from, recipients): (&str, &[Address]),
    message: &[u8],
    origin: &Origin<'_>,
    (dsn, rcpt_dsn): (&crate::core::dsn::MessageDsn, &[crate::core::dsn::RcptDsn]),
) -> Result<String, CoreError> {
    if recipients.is_empty() {
        return Err(CoreError::Invalid("no recipients".into()));
    }
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    let body = filter_header(&to_crlf(message), &hostname);
    let mut rows = Vec::with_capacity(recipients.len());
    let mut smtputf8 = !mail_from.is_ascii();
    for r in recipients {
        let local = db.domain_exists(r.domain())?;
        smtputf8 |= !r.to_string().is_ascii();
        rows.push((r.to_string(), local));
    }
    // `sendmail` is often run as root: the queue and its files must stay the daemon's.
    db.data_dir()
        .create_dir(queue_dir, 0o700)
        .map_err(|e| CoreError::io(queue_dir, e))?;
    let id = crate::smtp::backend::new_queue_id();
    let path = queue_dir.join(&id);
    let write = || -> std::io::Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        f.write_all(&body)?;
        f.sync_all()?;
        db.data_dir().hand_over(&[&path])?;
        sync_dir(queue_dir)
    };
    if let Err(e) = write() {
        let _ = std::fs::remove_file(&path);
        return Err(CoreError::io(&path, e));
    }
    let msg = NewMessage {
        id: &id,
        mail_from,
        auth_user: origin.user,
        remote_ip: "127.0.0.1",
        helo: origin.helo,
        smtputf8,
        size: body.len() as u64,
        spool: Some(&crate::core::spool::Sum::of(&body)),
        dsn: dsn.clone(),
        rcpt_dsn,
        folder: "",
        rcpt_folders: &[],
        local_lease: None,
    };
    if let Err(e) = db.queue_insert(&msg, &rows) {
        let _ = std::fs::remove_file(&path);
        return Err(e);
    }
    Ok(id)
}

/// The message with the header policy applied (nothing added: the caller made the header).
fn filter_header(message: &[u8], hostname: &str) -> Vec<u8> {
    let mut f = crate::smtp::headers::HeaderFilter::new(crate::smtp::headers::HeaderRules {
        hostname: hostname.to_string(),
        add_missing: false,
        collect_senders: false,
    });
    let mut out = Vec::with_capacity(message.len());
    f.push(message, &mut |b| out.extend_from_slice(b));
    f.finish(&mut |b| out.extend_from_slice(b));
    out
}

/// Turns lone LF (and lone CR) line ends into CRLF.
pub fn to_crlf(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() + input.len() / 40);
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'\r' if input.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 2;
                continue;
            }
            b'\r' | b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends() {
        assert_eq!(to_crlf(b"a\nb\r\nc\rd"), b"a\r\nb\r\nc\r\nd");
        assert_eq!(to_crlf(b""), b"");
    }

    #[test]
    fn injects_durably() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&crate::core::DataDir::new(dir.path())).unwrap();
        db.add_domain(&crate::core::Domain::parse("here.test").unwrap())
            .unwrap();
        let q = dir.path().join("queue");
        let rcpts = [
            Address::parse("a@here.test").unwrap(),
            Address::parse("b@there.test").unwrap(),
        ];
        let id = inject(
            &mut db,
            &q,
            "",
            &rcpts,
            b"Return-Path: <ceo@here.test>\nSubject: x\n\nhi\n",
            &Origin {
                user: None,
                helo: "localhost",
            },
        )
        .unwrap();
        assert_eq!(
            std::fs::read(q.join(&id)).unwrap(),
            b"Subject: x\r\n\r\nhi\r\n"
        );
        let rows = db.queue_recipients().unwrap();
        assert_eq!(
            rows.iter()
                .map(|r| (r.address.as_str(), r.local))
                .collect::<Vec<_>>(),
            [("a@here.test", true), ("b@there.test", false)]
        );
    }
}
