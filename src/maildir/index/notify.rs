//! Wakeups across nodes (issue 21): on PostgreSQL every change of a folder is announced by
//! the index's trigger (`schema::POSTGRES_TABLES`) on the channel [`CHANNEL`] when its
//! transaction commits, and a [`Listener`] per node turns those notifications into
//! [`Change`]s, the same "look at this folder again" that inotify gives for one host. The
//! IMAP layer maps a change to its folder's directory and pokes its hub
//! (`crate::imap::watch::Hub::touch`), exactly as for an inotify event.
//!
//! The listener drives its own connection (tokio-postgres): a notification is only handed
//! over by `Connection::poll_message`, never by a connection spawned off on its own
//! (CRATES.md §9). It reconnects after an error, with a growing pause, and reports
//! [`Change::Resync`] each time it is listening again: what changed while it was away was
//! not heard, so every session should look once.
//!
//! The same connection also hears the core's directory changes (`crate::core::dircache`'s
//! channel) and tells that cache whether it is listening: one LISTEN connection per process.
//!
//! Not here: which sessions a change wakes and what they refresh (`crate::imap::watch`,
//! `crate::imap::wake`), the SQLite single-host path (inotify).

use std::future::poll_fn;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_postgres::AsyncMessage;

use crate::core::{CoreError, pgconnect};

/// The channel the index's trigger notifies; payload `["account","folder"]` (JSON).
pub const CHANNEL: &str = "mailctl_index";

/// The longest pause between two attempts to reconnect.
const MAX_PAUSE: Duration = Duration::from_secs(30);

/// What a listener reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A folder of an account changed (new message, flags, expunge), or was made, renamed
    /// or deleted (then under its old and its new name).
    Folder { account: String, folder: String },
    /// The listener is listening (again): changes made before were not heard.
    Resync,
}

/// A notification's payload as a change; None for a payload that is not the trigger's.
pub fn parse(payload: &str) -> Option<Change> {
    let (account, folder): (String, String) = serde_json::from_str(payload).ok()?;
    Some(Change::Folder { account, folder })
}

/// A running listener; dropping it stops it (and closes its connection).
pub struct Listener {
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Listener {
    /// Starts listening to the PostgreSQL core at `url`, on the current tokio runtime.
    /// `wake` runs on the runtime for every change: it must not block (a hub's `touch`).
    /// Refuses only a URL it cannot use; a server that cannot be reached is retried.
    pub fn start(
        url: &str,
        wake: impl Fn(Change) + Send + Sync + 'static,
    ) -> Result<Listener, CoreError> {
        let place = crate::core::paths::redact_url(url);
        let (config, tls) = pgconnect::async_config(url, &place)?;
        let task = tokio::spawn(async move {
            let mut pause = Duration::from_millis(200);
            loop {
                let heard = match &tls {
                    Some(tls) => {
                        let connect = tokio_postgres_rustls::MakeRustlsConnect::new(tls.clone());
                        match config.connect(connect).await {
                            Ok((client, conn)) => listen(&client, conn, &wake).await,
                            Err(e) => Err(e),
                        }
                    }
                    None => match config.connect(tokio_postgres::NoTls).await {
                        Ok((client, conn)) => listen(&client, conn, &wake).await,
                        Err(e) => Err(e),
                    },
                };
                // Deaf from here until listening again: the directory cache reads through.
                crate::core::dircache::listening(false);
                match heard {
                    // Listening worked for a while: start the pauses over.
                    Ok(true) => pause = Duration::from_millis(200),
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!("mailbox changes of other nodes unheard ({place}): {e}")
                    }
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
        });
        Ok(Listener { task })
    }
}

/// LISTENs on one connection and hands its notifications to `wake` until it closes.
/// Ok(true): it was listening (and then closed); Ok(false): closed before.
async fn listen<S, T>(
    client: &tokio_postgres::Client,
    mut conn: tokio_postgres::Connection<S, T>,
    wake: &(impl Fn(Change) + Send + Sync),
) -> Result<bool, tokio_postgres::Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
    T: AsyncRead + AsyncWrite + Unpin,
{
    // The LISTEN's answer arrives only while the connection is polled: poll both together.
    // One connection per process hears both the mailbox changes and the directory's
    // (`crate::core::dircache`).
    let statement = format!(
        "LISTEN {CHANNEL}; LISTEN {}",
        crate::core::dircache::CHANNEL
    );
    let subscribe = client.batch_execute(&statement);
    tokio::pin!(subscribe);
    loop {
        tokio::select! {
            done = &mut subscribe => {
                done?;
                break;
            }
            message = poll_fn(|cx| conn.poll_message(cx)) => match message {
                Some(Ok(m)) => hand_over(m, wake),
                Some(Err(e)) => return Err(e),
                None => return Ok(false),
            },
        }
    }
    crate::core::dircache::listening(true);
    wake(Change::Resync);
    while let Some(message) = poll_fn(|cx| conn.poll_message(cx)).await {
        hand_over(message?, wake);
    }
    Ok(true)
}

fn hand_over(message: AsyncMessage, wake: &impl Fn(Change)) {
    if let AsyncMessage::Notification(n) = &message
        && n.channel() == crate::core::dircache::CHANNEL
    {
        crate::core::dircache::changed();
    } else if let AsyncMessage::Notification(n) = message
        && n.channel() == CHANNEL
        && let Some(change) = parse(n.payload())
    {
        wake(change);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_of_the_trigger_parse_and_others_do_not() {
        assert_eq!(
            parse(r#"["a@example.org","Lists/\"x\""]"#),
            Some(Change::Folder {
                account: "a@example.org".into(),
                folder: "Lists/\"x\"".into()
            })
        );
        assert_eq!(parse("a@example.org INBOX"), None);
        assert_eq!(parse(r#"["only one"]"#), None);
        assert_eq!(parse(""), None);
    }
}
