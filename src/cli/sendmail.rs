//! The `sendmail` and `mailq` personalities: what cron, mutt, PHP's mail() and git
//! send-email call. `sendmail` reads a message on stdin and queues it as a local
//! submission; `mailq` is `queue list`. Flags follow Sendmail/Postfix: -t, -i, -oi, -f,
//! -F, -bm, -bp, -v; other -o options and unknown single-letter flags are ignored as
//! sendmail does.

use std::io::Read;

use super::{Ctx, Fail};
use crate::core::{Address, DataDir};
use crate::output;

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Invocation {
    pub extract_recipients: bool,
    pub sender: Option<String>,
    pub full_name: Option<String>,
    pub recipients: Vec<String>,
    pub list_queue: bool,
    pub data_dir: Option<std::path::PathBuf>,
}

/// Parses sendmail's command line (argv without the program name).
pub fn parse(args: &[String]) -> Result<Invocation, String> {
    let mut inv = Invocation::default();
    let mut i = 0;
    let value = |i: &mut usize, inline: &str, flag: &str| -> Result<String, String> {
        if !inline.is_empty() {
            return Ok(inline.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| format!("{flag} needs a value"))
    };
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            inv.recipients.extend(args[i + 1..].iter().cloned());
            break;
        }
        if let Some(dir) = a.strip_prefix("--data-dir=") {
            inv.data_dir = Some(dir.into());
        } else if a == "--data-dir" {
            inv.data_dir = Some(value(&mut i, "", "--data-dir")?.into());
        } else if let Some(rest) = a.strip_prefix("-f").or_else(|| a.strip_prefix("-r")) {
            inv.sender = Some(value(&mut i, rest, "-f")?);
        } else if let Some(rest) = a.strip_prefix("-F") {
            inv.full_name = Some(value(&mut i, rest, "-F")?);
        } else if a == "-t" {
            inv.extract_recipients = true;
        } else if a == "-bp" {
            inv.list_queue = true;
        } else if a.starts_with("-o")
            || a.starts_with("-b")
            || a == "-i"
            || a == "-v"
            || a == "-n"
            || a == "-m"
        {
            // -oi, -oem, -bm, ...: accepted and ignored, as sendmail does. Note -oX options
            // that take a separate value are not used by any common caller.
        } else if let Some(rest) = a
            .strip_prefix("-N")
            .or_else(|| a.strip_prefix("-R"))
            .or_else(|| a.strip_prefix("-V"))
        {
            // DSN options take a value; ignore it.
            if rest.is_empty() {
                i += 1;
            }
        } else if a.starts_with('-') && a.len() > 1 {
            // Unknown flag: ignore, like Postfix's sendmail does for compatibility.
        } else {
            inv.recipients.extend(
                a.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string),
            );
        }
        i += 1;
    }
    Ok(inv)
}

/// `mailctl` invoked as `sendmail` or `mailq`.
pub fn main(personality: &str, args: &[String]) -> std::process::ExitCode {
    let inv = match parse(args) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{personality}: {e}");
            return std::process::ExitCode::from(64); // EX_USAGE, as sendmail exits
        }
    };
    let explicit = inv
        .data_dir
        .clone()
        .or_else(|| std::env::var_os("MAILCTL_DATA_DIR").map(Into::into));
    let ctx = Ctx {
        data_dir: DataDir::resolve(explicit.as_deref()),
        json: false,
        quiet: false,
        verbose: 0,
    };
    let result = if personality == "mailq" || inv.list_queue {
        super::queue::list(&ctx, crate::core::outqueue::Filter::All)
    } else {
        submit(&ctx, inv)
    };
    super::finish(result)
}

fn login_name() -> String {
    if let Some(n) = crate::sys::user_name(crate::sys::uid()) {
        return n;
    }
    std::env::var("USER").unwrap_or_else(|_| "nobody".into())
}

fn submit(ctx: &Ctx, inv: Invocation) -> anyhow::Result<()> {
    let mut db = ctx.db()?;
    let limit = db.setting_size("smtp.max_message_size")?;
    let message = read_message(limit)?;
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    let user = login_name();
    let sender = envelope_sender(&inv, &user, &hostname)?;
    let (headers_end, header_rcpts) = scan_headers(&message);
    let rcpts = recipients(&inv, header_rcpts)?;
    // What Postfix's cleanup adds to local submissions: trace, and the headers a message
    // must have. Bcc never leaves.
    let mut head = format!(
        "Received: by {hostname} (mailctl sendmail, from userid {uid}); {date}\r\n",
        uid = crate::sys::uid(),
        date = chrono::Utc::now().to_rfc2822()
    );
    let present = |name: &str| header_present(&message[..headers_end], name);
    if !present("from") {
        let from = if sender.is_empty() {
            format!("{user}@{hostname}")
        } else {
            sender.clone()
        };
        match &inv.full_name {
            Some(n) => head.push_str(&format!(
                "From: {} <{from}>\r\n",
                n.replace(['\r', '\n', '<', '>'], "")
            )),
            None => head.push_str(&format!("From: {from}\r\n")),
        }
    }
    if !present("date") {
        head.push_str(&format!("Date: {}\r\n", chrono::Utc::now().to_rfc2822()));
    }
    if !present("message-id") {
        head.push_str(&format!(
            "Message-ID: <{}@{hostname}>\r\n",
            crate::smtp::backend::new_queue_id()
        ));
    }
    let mut full = head.into_bytes();
    full.extend_from_slice(&strip_bcc(&message[..headers_end]));
    full.extend_from_slice(&message[headers_end..]);
    let queue_dir = ctx.data_dir.queue();
    let origin = crate::smtp::inject::Origin {
        user: Some(&user),
        helo: "localhost",
    };
    let id = crate::smtp::inject::inject(&mut db, &queue_dir, &sender, &rcpts, &full, &origin)
        .map_err(super::core_fail)?;
    if ctx.verbose > 0 {
        output::print(&format!("queued as {id}"))?;
    }
    Ok(())
}

/// The message on stdin, refused when larger than `limit` (smtp.max_message_size).
fn read_message(limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut message = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut message)?;
    if message.len() as u64 > limit {
        return Err(Fail::new(format!(
            "message larger than smtp.max_message_size ({limit} bytes)"
        ))
        .into());
    }
    Ok(message)
}

/// `-f`'s address (empty or `<>`: the null sender), else the login name at this host.
fn envelope_sender(inv: &Invocation, user: &str, hostname: &str) -> anyhow::Result<String> {
    Ok(match &inv.sender {
        Some(s) if s.is_empty() || s == "<>" => String::new(),
        Some(s) => Address::parse(s.trim_matches(['<', '>']))
            .map_err(|e| Fail::usage(format!("-f {s}: {e}")))?
            .to_string(),
        None => format!("{user}@{hostname}"),
    })
}

/// The recipients named as arguments, plus with `-t` those of To, Cc and Bcc.
fn recipients(inv: &Invocation, mut header_rcpts: Vec<String>) -> anyhow::Result<Vec<Address>> {
    let mut rcpts = Vec::new();
    for r in &inv.recipients {
        rcpts.push(
            Address::parse(r.trim_matches(['<', '>']))
                .map_err(|e| Fail::usage(format!("recipient {r}: {e}")))?,
        );
    }
    if inv.extract_recipients {
        for r in header_rcpts.drain(..) {
            match Address::parse(&r) {
                Ok(a) if !rcpts.contains(&a) => rcpts.push(a),
                Ok(_) => {}
                Err(e) => {
                    return Err(Fail::new(format!("recipient {r} in the headers: {e}")).into());
                }
            }
        }
    }
    if rcpts.is_empty() {
        return Err(Fail::hint(
            "no recipients",
            "name them as arguments or pass -t to read To/Cc/Bcc",
        )
        .into());
    }
    Ok(rcpts)
}

/// Where the header section ends, and the addresses in To, Cc and Bcc.
fn scan_headers(message: &[u8]) -> (usize, Vec<String>) {
    let end = memchr::memmem::find(message, b"\r\n\r\n")
        .map(|i| i + 2)
        .or_else(|| memchr::memmem::find(message, b"\n\n").map(|i| i + 1))
        .unwrap_or(message.len());
    let mut out = Vec::new();
    if let Some(parsed) =
        mail_parser::MessageParser::default().parse_headers(&message[..end.min(message.len())])
    {
        for list in [parsed.to(), parsed.cc(), parsed.bcc()]
            .into_iter()
            .flatten()
        {
            for a in list.iter() {
                if let Some(addr) = a.address() {
                    out.push(addr.to_string());
                }
            }
        }
    }
    (end, out)
}

fn header_present(headers: &[u8], name: &str) -> bool {
    String::from_utf8_lossy(headers).lines().any(|l| {
        l.split_once(':').is_some_and(|(n, _)| {
            n.trim().eq_ignore_ascii_case(name) && !l.starts_with([' ', '\t'])
        })
    })
}

/// The header section without Bcc fields (and their continuation lines).
fn strip_bcc(headers: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(headers.len());
    let mut skipping = false;
    for line in headers.split_inclusive(|&b| b == b'\n') {
        let cont = line.first().is_some_and(|&b| b == b' ' || b == b'\t');
        if !cont {
            skipping = line.len() >= 4 && line[..4].eq_ignore_ascii_case(b"bcc:");
        }
        if !skipping {
            out.extend_from_slice(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Invocation {
        parse(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn flags_as_callers_use_them() {
        // cron: sendmail -FCronDaemon -i -B8BITMIME -oem root
        let i = p(&["-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root@x.test"]);
        assert_eq!(i.full_name.as_deref(), Some("CronDaemon"));
        assert_eq!(i.recipients, ["root@x.test"]);
        // mutt: sendmail -oem -oi -f me@x.test -- a@y.test b@y.test
        let i = p(&[
            "-oem",
            "-oi",
            "-f",
            "me@x.test",
            "--",
            "a@y.test",
            "b@y.test",
        ]);
        assert_eq!(i.sender.as_deref(), Some("me@x.test"));
        assert_eq!(i.recipients, ["a@y.test", "b@y.test"]);
        // PHP: sendmail -t -i
        let i = p(&["-t", "-i"]);
        assert!(i.extract_recipients && i.recipients.is_empty());
        // git send-email: sendmail -i a@y.test,b@y.test
        assert_eq!(
            p(&["-i", "a@y.test,b@y.test"]).recipients,
            ["a@y.test", "b@y.test"]
        );
        assert!(p(&["-bp"]).list_queue);
        assert!(parse(&["-f".to_string()]).is_err());
    }

    #[test]
    fn headers() {
        let m = b"To: A <a@y.test>, b@y.test\r\nBcc: secret@z.test,\r\n  other@z.test\r\nSubject: x\r\n\r\nbody\r\n";
        let (end, rcpts) = scan_headers(m);
        assert_eq!(
            rcpts,
            ["a@y.test", "b@y.test", "secret@z.test", "other@z.test"]
        );
        let stripped = String::from_utf8(strip_bcc(&m[..end])).unwrap();
        assert!(
            !stripped.contains("secret")
                && !stripped.contains("other@")
                && stripped.contains("Subject: x")
        );
        assert!(header_present(&m[..end], "subject") && !header_present(&m[..end], "from"));
    }

    #[test]
    fn envelope_from_flags_and_headers() {
        let i = p(&["-f", "<>", "-t", "a@y.test"]);
        assert_eq!(envelope_sender(&i, "u", "h.test").unwrap(), "");
        assert_eq!(envelope_sender(&p(&[]), "u", "h.test").unwrap(), "u@h.test");
        assert!(envelope_sender(&p(&["-f", "no at"]), "u", "h.test").is_err());
        // -t adds the header recipients once; without -t they are ignored.
        let r = recipients(&i, vec!["a@y.test".into(), "b@y.test".into()]).unwrap();
        assert_eq!(r.len(), 2);
        let r = recipients(&p(&["a@y.test"]), vec!["b@y.test".into()]).unwrap();
        assert_eq!(r.len(), 1);
        assert!(recipients(&p(&[]), Vec::new()).is_err());
    }
}
