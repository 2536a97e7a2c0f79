//! `test delivery ADDRESS [--from SENDER] [--timeout SECS]`: queues a real test message to
//! ADDRESS, as `sendmail` would, then follows it through the queue (the running server
//! delivers it) until it is delivered, bounced, or the time is up, and prints its timeline
//! with the diagnosis `mailctl trace` gives.
//!
//! Not here: delivering (the daemon's queue runner, or `mailctl queue flush`), the timeline
//! and diagnosis (`core::history`, `core::diagnosis`).

use std::time::{Duration, Instant};

use crate::cli::{Ctx, Exit, Fail, core_fail};
use crate::core::{Address, now};
use crate::output;

pub fn run(ctx: &Ctx, to: &str, from: Option<&str>, timeout: u64) -> anyhow::Result<()> {
    let rcpt = Address::parse(to).map_err(|e| Fail::usage(format!("{to}: {e}")))?;
    let mut db = ctx.db()?;
    let sender = match from {
        Some(f) => f.to_string(),
        None => {
            let domain = db.domains()?.into_iter().next().map(|d| d.name.to_string());
            let domain = domain.ok_or_else(|| {
                Fail::hint(
                    "no domain to send from",
                    "give --from ADDRESS, or `mailctl domain add DOMAIN`",
                )
            })?;
            format!("postmaster@{domain}")
        }
    };
    let started = now();
    let message = format!(
        "From: {sender}\r\nTo: {rcpt}\r\nSubject: mailctl delivery test {started}\r\n\r\n\
         A test message sent by `mailctl test delivery` to see whether mail to this address arrives.\r\n"
    );
    let origin = crate::smtp::inject::Origin {
        user: None,
        helo: "localhost",
    };
    let queue_dir = ctx.data_dir.queue();
    let id = crate::smtp::inject::inject(
        &mut db,
        &queue_dir,
        &sender,
        &[rcpt],
        message.as_bytes(),
        &origin,
    )
    .map_err(core_fail)?;
    let spinner = output::spinner(&format!("following {id}"), ctx.progress());
    let deadline = Instant::now() + Duration::from_secs(timeout.max(1));
    let timeline = loop {
        let found = db.trace(&id, 0)?.into_iter().next();
        let done = found.as_ref().is_some_and(|t| !t.live);
        if done || Instant::now() >= deadline {
            break found;
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    spinner.finish_and_clear();
    let Some(t) = timeline else {
        return Err(Fail::new(format!("{id} left the queue without a trace")).into());
    };
    let delivered = t.outcome == "delivered";
    super::super::trace::show(ctx, std::slice::from_ref(&t))?;
    if t.live && !ctx.json {
        output::print(&format!(
            "\nstill queued after {timeout}s: is `mailctl serve` running? `mailctl queue flush` attempts it now; `mailctl trace {id}` follows it later"
        ))?;
    }
    if !delivered {
        return Err(Exit(1).into());
    }
    Ok(())
}
