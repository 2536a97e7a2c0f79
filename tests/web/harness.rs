//! What the web tests share: a server with SMTP (to deliver) and the web listener on
//! loopback, a curl-driven HTTP client that keeps its own cookies and shows every header,
//! and delivery of raw messages through the server's own MX (Python's smtplib).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::common::cli::mailctl_ok;
use crate::common::serve::Serve;
use crate::common::tools::{python, require};
use crate::common::users::example_test;

pub struct Server {
    pub dir: tempfile::TempDir,
    pub serve: Serve,
    /// `http://127.0.0.1:PORT` or `https://...`.
    pub base: String,
}

/// A data dir with alice and bob (`common::users::PASSWORD`), `settings` applied, and
/// `serve smtp web` running; plain HTTP unless `tls`.
pub fn start(tls: bool, settings: &[(&str, &str)]) -> Server {
    start_with(tls, settings, &[], &[])
}

/// [`start`], with `more` services (e.g. `imap`) and their `listeners` (`imap`, `imaps`:
/// every listener of a service must be named, so none binds its default address).
pub fn start_with(
    tls: bool,
    settings: &[(&str, &str)],
    more: &[&str],
    more_listeners: &[&str],
) -> Server {
    let dir = example_test("", &["localhost"]);
    let p = dir.path();
    mailctl_ok(
        p,
        &["config", "set", "web.tls", if tls { "on" } else { "off" }],
    );
    for (k, v) in settings {
        mailctl_ok(p, &["config", "set", k, v]);
    }
    let mut args = vec!["smtp", "web"];
    args.extend_from_slice(more);
    args.push("--allow-root");
    let mut listeners = vec!["smtp", "submission", "submissions", "web"];
    listeners.extend_from_slice(more_listeners);
    let serve = Serve::start(p, &args, &listeners);
    let scheme = if tls { "https" } else { "http" };
    let base = format!("{scheme}://{}", serve.addr("web"));
    Server { dir, serve, base }
}

/// [`start`] with the IMAP listener too (plain, loopback), for checking over IMAP what the
/// web did.
pub fn start_with_imap(settings: &[(&str, &str)]) -> Server {
    start_with(false, settings, &["imap"], &["imap", "imaps"])
}

impl Server {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Delivers raw messages to `to` through the MX listener and waits for them in its INBOX.
    pub fn deliver(&self, to: &str, msgs: &[&str]) {
        let script = r#"
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), timeout=30)
for m in sys.argv[3:]:
    s.sendmail("sender@example.org", [sys.argv[2]], m.encode())
s.quit()
"#;
        let (user, domain) = to.split_once('@').unwrap();
        let md = crate::common::maildir::of(self.path(), user, domain);
        let before = crate::common::maildir::files(&md).len();
        let port = self.serve.port("smtp").to_string();
        // One at a time, each delivered before the next is sent: the queue's workers deliver
        // concurrently, and tests read the arrival order (UIDs, dates) as the sending order.
        for (i, m) in msgs.iter().enumerate() {
            python(script, &[port.as_str(), to, m]);
            let want = before + i + 1;
            assert_eq!(crate::common::maildir::wait(&md, want).len(), want);
        }
    }
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Lowercased names; repeated headers joined by "\n".
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The value of `<input ... name="NAME" value="...">` in the page.
    pub fn input(&self, name: &str) -> String {
        let t = self.text();
        let at = t
            .find(&format!("name=\"{name}\" value=\""))
            .unwrap_or_else(|| panic!("no input {name} in {t}"));
        let rest = &t[at + name.len() + 15..];
        rest[..rest.find('"').unwrap()].to_string()
    }
}

/// A browser-like client over curl: keeps the cookies the server sets.
pub struct Client {
    pub base: String,
    pub cookies: BTreeMap<String, String>,
    /// Where requests come from (`--interface`), for the per-address limits.
    pub from: Option<String>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_string(),
            cookies: BTreeMap::new(),
            from: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// `GET path`.
    pub fn get(&mut self, path: &str) -> Answer {
        self.request(path, None)
    }

    /// `POST path` with the form `fields` (URL-encoded by curl).
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.request(path, Some(fields))
    }

    /// `POST path` as `multipart/form-data`: text `fields` taken literally, and `files`
    /// (field name, file path) uploaded as a browser does.
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &Path)],
    ) -> Answer {
        let mut args = Vec::new();
        for (k, v) in fields {
            args.push("--form-string".to_string());
            args.push(format!("{k}={v}"));
        }
        for (k, f) in files {
            args.push("-F".to_string());
            args.push(format!("{k}=@{}", f.display()));
        }
        self.run(path, None, &args)
    }

    fn request(&mut self, path: &str, form: Option<&[(&str, &str)]>) -> Answer {
        self.run(path, form, &[])
    }

    fn run(&mut self, path: &str, form: Option<&[(&str, &str)]>, extra: &[String]) -> Answer {
        require("curl");
        let mut cmd = Command::new("curl");
        cmd.args(extra);
        // --path-as-is: `..` segments reach the server as written (curl would squash them).
        cmd.args(["-s", "-i", "-k", "--path-as-is", "--max-time", "20"]);
        if let Some(f) = &self.from {
            cmd.args(["--interface", f]);
        }
        if !self.cookies.is_empty() {
            cmd.args(["-H", &format!("Cookie: {}", self.cookie_header())]);
        }
        if let Some(fields) = form {
            // An empty form still POSTs.
            cmd.args(["-X", "POST", "--data", ""]);
            for (k, v) in fields {
                cmd.args(["--data-urlencode", &format!("{k}={v}")]);
            }
        }
        cmd.arg(format!("{}{path}", self.base));
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "curl {path}: {:?}", out);
        let a = parse(&out.stdout);
        for c in a.header("set-cookie").lines() {
            let first = c.split(';').next().unwrap_or("");
            if let Some((k, v)) = first.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), v.to_string());
                }
            }
        }
        a
    }

    /// Logs in through the form; the answer to the POST.
    pub fn login(&mut self, user: &str, password: &str) -> Answer {
        let form = self.get("/login");
        let token = form.input("csrf");
        self.post(
            "/login",
            &[("user", user), ("password", password), ("csrf", &token)],
        )
    }
}

fn parse(raw: &[u8]) -> Answer {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let e = headers.entry(k.trim().to_ascii_lowercase()).or_default();
            if !e.is_empty() {
                e.push('\n');
            }
            e.push_str(v.trim());
        }
    }
    Answer {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

/// Whether `user` can log in over IMAP (Python's imaplib, plain on loopback) with
/// `password`; needs a server started with `imap`.
pub fn imap_login(srv: &Server, user: &str, password: &str) -> bool {
    let script = r#"
import imaplib, sys
c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]), timeout=30)
try:
    c.login(sys.argv[2], sys.argv[3])
except imaplib.IMAP4.error:
    print("LOGIN-REFUSED")
    sys.exit(3)
c.select("INBOX")
c.logout()
"#;
    let port = srv.serve.port("imap").to_string();
    match crate::common::tools::python_text(script, &[&port, user, password]) {
        (true, _) => true,
        (false, t) if t.contains("LOGIN-REFUSED") => false,
        (false, t) => panic!("imaplib: {t}"),
    }
}
