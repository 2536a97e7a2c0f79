//! A scripted SMTP receiver on a loopback address, for outbound tests that need a next hop
//! that misbehaves in one exact way, and a transcript of what our client sent it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the receiver answers on one connection.
#[derive(Clone)]
pub struct Script {
    pub greeting: &'static str,
    /// The EHLO reply, CRLFs included.
    pub ehlo: &'static str,
    /// Bytes written in answer to STARTTLS (then the connection is closed).
    pub starttls: &'static str,
    pub rcpt: &'static str,
}

impl Default for Script {
    fn default() -> Self {
        Script {
            greeting: "220 fake.test ESMTP\r\n",
            ehlo: "250-fake.test\r\n250 PIPELINING\r\n",
            starttls: "454 4.7.0 no TLS here\r\n",
            rcpt: "250 2.1.5 ok\r\n",
        }
    }
}

/// Everything the client sent, one string per connection (commands and message data).
pub type Transcript = Arc<Mutex<Vec<String>>>;

/// Serves `scripts[n]` on the n-th connection (the last one repeats), at most 20
/// connections, each bounded to 20 s.
pub fn fake_mx(ip: &str, port: u16, scripts: Vec<Script>) -> Transcript {
    let l = TcpListener::bind((ip, port)).unwrap();
    let log: Transcript = Arc::new(Mutex::new(Vec::new()));
    let log2 = log.clone();
    std::thread::spawn(move || {
        for (n, conn) in l.incoming().take(20).enumerate() {
            let Ok(s) = conn else { continue };
            let script = scripts[n.min(scripts.len() - 1)].clone();
            let log = log2.clone();
            let slot = {
                let mut l = log.lock().unwrap();
                l.push(String::new());
                l.len() - 1
            };
            std::thread::spawn(move || serve(s, script, log, slot));
        }
    });
    log
}

fn serve(mut s: std::net::TcpStream, script: Script, log: Transcript, slot: usize) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
    let record = |t: &str| log.lock().unwrap()[slot].push_str(t);
    let _ = s.write_all(script.greeting.as_bytes());
    let mut r = BufReader::new(s.try_clone().unwrap());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if r.by_ref()
            .take(100_000)
            .read_until(b'\n', &mut buf)
            .unwrap_or(0)
            == 0
        {
            return;
        }
        let line = String::from_utf8_lossy(&buf).into_owned();
        record(&line);
        let up = line.to_ascii_uppercase();
        let reply: &str = if up.starts_with("EHLO") {
            script.ehlo
        } else if up.starts_with("HELO") {
            "250 fake.test\r\n"
        } else if up.starts_with("STARTTLS") {
            let _ = s.write_all(script.starttls.as_bytes());
            std::thread::sleep(Duration::from_millis(500));
            return;
        } else if up.starts_with("MAIL") {
            "250 2.1.0 ok\r\n"
        } else if up.starts_with("RCPT") {
            script.rcpt
        } else if up.starts_with("DATA") {
            let _ = s.write_all(b"354 go\r\n");
            loop {
                buf.clear();
                if r.by_ref()
                    .take(10_000_000)
                    .read_until(b'\n', &mut buf)
                    .unwrap_or(0)
                    == 0
                {
                    return;
                }
                // Raw bytes, so a test can see whether anything 8-bit crossed.
                let text: String = buf.iter().map(|&b| b as char).collect();
                record(&text);
                if buf == b".\r\n" {
                    break;
                }
            }
            "250 2.0.0 queued\r\n"
        } else if up.starts_with("QUIT") {
            let _ = s.write_all(b"221 bye\r\n");
            return;
        } else if up.starts_with("RSET") || up.starts_with("NOOP") {
            "250 ok\r\n"
        } else {
            "500 5.5.1 what\r\n"
        };
        let _ = s.write_all(reply.as_bytes());
    }
}
