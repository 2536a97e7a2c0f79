//! The spool file of one incoming message ([`MessageSink`]): bytes written as they arrive,
//! then, for a `250`, quota reserved in the local mailboxes ([`super::quota`]), file and
//! directory fsynced and the queue rows committed by the group [`Committer`]. A message that
//! is aborted or whose connection drops leaves no file. Nor does one whose commit failed, or
//! whose outcome the node cannot know (PostgreSQL stopped answering mid-commit,
//! `core::pgclient`): it is answered 4xx, and a row that lands after all finds no file and
//! is quarantined by the deliverer, never delivered behind the back of a client told to retry.
//!
//! Not here: what goes into the file (the session and `headers.rs`), delivery from the queue
//! (`delivery.rs`).

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;
use std::sync::Arc;

use super::backend::{Backend, Job, core_to_spool};
use super::delivery::delivery_head;
use super::policy::{Accepted, MessageSink, SpoolError};
use crate::core::Address;
use crate::core::aliases::Target;
use crate::maildir::deliver::sync_dir;

/// Opens a new spool file (0600, never an existing one) for a message.
pub(super) fn open(backend: Arc<Backend>) -> Result<Box<dyn MessageSink>, SpoolError> {
    let id = super::backend::new_queue_id();
    let file = SpoolFile::create(backend.queue_dir.join(&id)).map_err(SpoolError::from_io)?;
    Ok(Box::new(SpoolSink { backend, id, file }))
}

struct SpoolSink {
    backend: Arc<Backend>,
    id: String,
    file: SpoolFile,
}

/// The spool file's write buffer. A message that fits never reaches the file before the
/// end of data, so the inbound checks read it and prepend their header in memory (no read
/// back, no second file and rename); larger messages take the file path.
const BUFFER: usize = 64 << 10;

/// The bytes of one spool file as they are written, and their sum.
struct SpoolFile {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    /// The sum, taken over the bytes as they are written.
    sum: crate::core::spool::Hasher,
    /// Octets written so far: all of them still in `out`'s buffer when its length is this.
    len: u64,
}

impl SpoolFile {
    fn create(path: PathBuf) -> std::io::Result<SpoolFile> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)?;
        Ok(SpoolFile {
            path,
            out: Some(BufWriter::with_capacity(BUFFER, file)),
            sum: crate::core::spool::Hasher::new(),
            len: 0,
        })
    }

    fn closed() -> SpoolError {
        SpoolError::Other("spool file already closed".into())
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), SpoolError> {
        let out = self.out.as_mut().ok_or_else(Self::closed)?;
        self.sum.update(bytes);
        self.len += bytes.len() as u64;
        out.write_all(bytes).map_err(SpoolError::from_io)
    }

    /// Everything written so far when none of it has reached the file yet.
    fn buffered(&self) -> Option<&[u8]> {
        let buf = self.out.as_ref()?.buffer();
        (buf.len() as u64 == self.len).then_some(buf)
    }

    fn written(&mut self) -> Result<Vec<u8>, SpoolError> {
        if let Some(buf) = self.buffered() {
            return Ok(buf.to_vec());
        }
        let out = self.out.as_mut().ok_or_else(Self::closed)?;
        out.flush().map_err(SpoolError::from_io)?;
        std::fs::read(&self.path).map_err(SpoolError::from_io)
    }

    /// Puts `header` first and takes the sum again: in the buffer while the file is still
    /// empty, else by rewriting the file (a new file renamed over the old one, so the path
    /// never holds half of either).
    fn prepend(&mut self, header: &[u8]) -> Result<(), SpoolError> {
        if self.buffered().is_some()
            && let Some((file, Ok(body))) = self.out.take().map(BufWriter::into_parts)
        {
            self.restart(header, &body);
            let mut out = BufWriter::with_capacity(BUFFER, file);
            let wrote = out.write_all(header).and_then(|()| out.write_all(&body));
            self.out = Some(out);
            return wrote.map_err(SpoolError::from_io);
        }
        let body = self.written()?;
        let tmp = self.path.with_extension("prepend");
        let write = || -> std::io::Result<File> {
            let mut f = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(header)?;
            f.write_all(&body)?;
            std::fs::rename(&tmp, &self.path)?;
            Ok(f)
        };
        match write() {
            Ok(f) => {
                self.restart(header, &body);
                self.out = Some(BufWriter::with_capacity(BUFFER, f));
                Ok(())
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(SpoolError::from_io(e))
            }
        }
    }

    /// The sum and length of a file that is now `header` then `body`.
    fn restart(&mut self, header: &[u8], body: &[u8]) {
        self.sum = crate::core::spool::Hasher::new();
        self.sum.update(header);
        self.sum.update(body);
        self.len = (header.len() + body.len()) as u64;
    }

    /// Writes out the buffer and fsyncs the file; its sum.
    fn sync(&mut self) -> Result<crate::core::spool::Sum, SpoolError> {
        let out = self.out.take().ok_or_else(Self::closed)?;
        let file = out
            .into_inner()
            .map_err(|e| SpoolError::from_io(e.into_error()))?;
        file.sync_all().map_err(SpoolError::from_io)?;
        Ok(std::mem::take(&mut self.sum).finish())
    }

    /// Throws the file away.
    fn remove(&mut self) {
        self.out.take();
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        // A file dropped mid-message (connection lost) leaves nothing behind.
        if self.out.is_some() {
            self.remove();
        }
    }
}

impl SpoolSink {
    /// Reserves room in every quota-limited mailbox the local recipients resolve to. A
    /// recipient that cannot take the message gets a bounce from local delivery; if no
    /// recipient at all can take it, the message is refused with `552 5.2.2`.
    fn reserve_quota(&self, envelope: &Accepted) -> Result<(), SpoolError> {
        let local: Vec<&Address> = envelope
            .recipients
            .iter()
            .filter(|r| r.local)
            .map(|r| &r.address)
            .collect();
        if local.is_empty() {
            return Ok(());
        }
        let db = self.backend.pool.get().map_err(core_to_spool)?;
        let ledger = self.backend.deliverer.quota();
        let sender = envelope
            .mail_from
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let mut takers = envelope.recipients.len() - local.len();
        let mut refusals = Vec::new();
        for rcpt in local {
            let resolved = db.resolve_recipient(rcpt).map_err(core_to_spool)?;
            let mut room = false;
            for target in &resolved.targets {
                let Target::Mailbox(mb) = target else {
                    room = true;
                    continue;
                };
                let quota = db.user(mb).map_err(core_to_spool)?.map_or(0, |u| u.quota);
                let maildir = db.data_dir().maildir(mb);
                // The copy as stored: with the Return-Path and Delivered-To delivery adds.
                let size = envelope.size + delivery_head(&sender, mb).len() as u64;
                match ledger.reserve(mb, &self.id, size, quota, || {
                    crate::maildir::deliver::usage(&maildir).unwrap_or(0)
                }) {
                    Ok(()) => room = true,
                    Err(full) => refusals.push(full.to_string()),
                }
            }
            takers += usize::from(room || resolved.targets.is_empty());
        }
        if takers == 0 {
            ledger.release_all(&self.id);
            // One reply line (RFC 5321 §4.5.3.1.5): the first mailbox, and how many more.
            let mut why = refusals.first().cloned().unwrap_or_default();
            if refusals.len() > 1 {
                why.push_str(&format!(" (and {} more mailboxes)", refusals.len() - 1));
            }
            return Err(SpoolError::MailboxFull(why));
        }
        Ok(())
    }

    fn make_durable(&mut self, envelope: &Accepted) -> Result<(), SpoolError> {
        let spool = self.file.sync()?;
        sync_dir(&self.backend.queue_dir).map_err(SpoolError::from_io)?;
        let (done, _) = std::sync::mpsc::sync_channel(1);
        self.backend.committer.commit(Job {
            id: self.id.clone(),
            mail_from: envelope
                .mail_from
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default(),
            auth_user: envelope.auth_user.as_ref().map(|a| a.to_string()),
            remote_ip: envelope.remote_ip.to_string(),
            helo: envelope.helo.clone(),
            smtputf8: envelope.smtputf8,
            size: envelope.size,
            spool,
            folder: envelope.folder.clone().unwrap_or_default(),
            rcpt_folders: envelope
                .recipients
                .iter()
                .map(|r| r.folder.clone().unwrap_or_default())
                .collect(),
            // The deliverer is handed the id right after the commit: lease the local
            // recipients to it in that same commit, so it need not write before it delivers.
            local_lease: envelope
                .recipients
                .iter()
                .any(|r| r.local)
                .then(|| self.backend.deliverer.lease_for_new()),
            rcpts: envelope
                .recipients
                .iter()
                .map(|r| (r.address.to_string(), r.local))
                .collect(),
            dsn: envelope.dsn.clone(),
            rcpt_dsn: envelope.recipients.iter().map(|r| r.dsn.clone()).collect(),
            done,
        })
    }
}

impl MessageSink for SpoolSink {
    fn id(&self) -> &str {
        &self.id
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), SpoolError> {
        self.file.write(bytes)
    }

    fn commit(mut self: Box<Self>, envelope: &Accepted) -> Result<String, SpoolError> {
        if let Err(e) = self
            .reserve_quota(envelope)
            .and_then(|()| self.make_durable(envelope))
        {
            self.backend.deliverer.quota().release_all(&self.id);
            self.file.remove();
            match &e {
                SpoolError::MailboxFull(why) => {
                    tracing::info!(id = %self.id, "refused, no recipient has room: {why}")
                }
                _ => tracing::error!(id = %self.id, "could not queue message: {e}"),
            }
            return Err(e);
        }
        tracing::info!(
            id = %self.id,
            from = %envelope.mail_from.as_ref().map(|a| a.to_string()).unwrap_or_default(),
            rcpts = envelope.recipients.len(),
            size = envelope.size,
            "queued"
        );
        crate::metrics::global().received(if envelope.auth_user.is_some() {
            crate::metrics::Received::Submission
        } else {
            crate::metrics::Received::Mx
        });
        if envelope.recipients.iter().any(|r| r.local) {
            self.backend.deliverer.enqueue(self.id.clone());
        }
        if envelope.recipients.iter().any(|r| !r.local)
            && let Some(o) = &self.backend.outbound
        {
            o.wake();
        }
        Ok(self.id.clone())
    }

    fn abort(mut self: Box<Self>) {
        self.file.remove();
    }

    fn written(&mut self) -> Result<Vec<u8>, SpoolError> {
        self.file.written()
    }

    fn prepend(&mut self, header: &[u8]) -> Result<(), SpoolError> {
        self.file.prepend(header)
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;
    use crate::core::spool::Sum;

    /// Writes `body`, prepends `header`, syncs: the file and its sum are header + body.
    fn prepend_case(body: &[u8]) -> (u64, u64) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Q1");
        let mut f = SpoolFile::create(path.clone()).unwrap();
        let inode = std::fs::metadata(&path).unwrap().ino();
        for chunk in body.chunks(1000) {
            f.write(chunk).unwrap();
        }
        assert_eq!(f.written().unwrap(), body);
        let header = b"Authentication-Results: mx.test; spf=pass\r\n";
        f.prepend(header).unwrap();
        f.write(b"").unwrap();
        let whole = [&header[..], body].concat();
        assert_eq!(f.written().unwrap(), whole);
        let sum = f.sync().unwrap();
        assert_eq!(sum, Sum::of(&whole));
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        assert!(!path.with_extension("prepend").exists());
        drop(f);
        assert!(path.exists(), "a synced file stays");
        (inode, std::fs::metadata(&path).unwrap().ino())
    }

    #[test]
    fn a_message_in_the_buffer_gets_its_header_in_place() {
        let (before, after) = prepend_case(b"Subject: hi\r\n\r\nsmall body\r\n");
        assert_eq!(before, after, "no second file renamed over the first");
    }

    #[test]
    fn a_message_past_the_buffer_is_rewritten_whole() {
        let body: Vec<u8> = (0..BUFFER + 5000).map(|i| b'a' + (i % 26) as u8).collect();
        prepend_case(&body);
    }

    #[test]
    fn a_dropped_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Q2");
        let mut f = SpoolFile::create(path.clone()).unwrap();
        f.write(b"partial").unwrap();
        drop(f);
        assert!(!path.exists());
    }
}
