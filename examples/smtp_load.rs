//! End-to-end SMTP load generator: N connections send M messages of S bytes to local users
//! over loopback, pipelining MAIL/RCPT/DATA, and print messages per second. With `--pid`, it
//! also prints the server's peak RSS (VmHWM). Bounded in count and in time.
//!
//! Usage: see examples/smtp-load.sh, which starts a server and runs this against it:
//!   cargo run --release --example smtp_load -- --addr 127.0.0.1:2525 --to user{}@load.test \
//!       --users 10 --connections 20 --messages 5000 --size 4096 [--pid PID] [--message FILE]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
        .unwrap_or_else(|| default.to_string())
}

fn reply(r: &mut BufReader<TcpStream>) -> std::io::Result<String> {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Err(std::io::Error::other("server closed"));
        }
        all.push_str(&line);
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(all);
        }
    }
}

fn main() -> std::io::Result<()> {
    let addr = arg("--addr", "127.0.0.1:2525");
    let to = arg("--to", "user{}@load.test");
    let users: usize = arg("--users", "10").parse().unwrap_or(10);
    let conns: usize = arg("--connections", "20").parse().unwrap_or(20);
    let total: usize = arg("--messages", "5000").parse().unwrap_or(5000);
    let size: usize = arg("--size", "4096").parse().unwrap_or(4096);
    let max_secs: u64 = arg("--max-seconds", "600").parse().unwrap_or(600);
    let pid = arg("--pid", "");

    // --message FILE: send that message (e.g. a DKIM-signed one) instead of a generated one.
    let message = arg("--message", "");
    let mut body = if message.is_empty() {
        let mut b = String::from("From: load@remote.test\r\nSubject: load\r\n\r\n");
        while b.len() < size {
            b.push_str(
                "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\r\n",
            );
        }
        b
    } else {
        std::fs::read_to_string(&message)?
    };
    if !body.ends_with("\r\n") {
        body.push_str("\r\n");
    }
    body.push_str(".\r\n");
    let body = Arc::new(body);
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(max_secs);
    let start = Instant::now();
    let mut threads = Vec::new();
    for _ in 0..conns {
        let (addr, to, body, next, ok) = (
            addr.clone(),
            to.clone(),
            body.clone(),
            next.clone(),
            ok.clone(),
        );
        threads.push(std::thread::spawn(move || -> std::io::Result<()> {
            let s = TcpStream::connect(&addr)?;
            s.set_nodelay(true)?;
            let mut w = s.try_clone()?;
            let mut r = BufReader::new(s);
            reply(&mut r)?;
            w.write_all(b"EHLO load\r\n")?;
            reply(&mut r)?;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() > deadline {
                    break;
                }
                let rcpt = to.replace("{}", &(i % users).to_string());
                w.write_all(
                    format!("MAIL FROM:<load@remote.test>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n")
                        .as_bytes(),
                )?;
                let (a, b, c) = (reply(&mut r)?, reply(&mut r)?, reply(&mut r)?);
                if !(a.starts_with("250") && b.starts_with("250") && c.starts_with("354")) {
                    return Err(std::io::Error::other(format!("refused: {a}{b}{c}")));
                }
                w.write_all(body.as_bytes())?;
                if reply(&mut r)?.starts_with("250") {
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            }
            w.write_all(b"QUIT\r\n")?;
            Ok(())
        }));
    }
    for t in threads {
        if let Ok(Err(e)) = t.join() {
            eprintln!("connection failed: {e}");
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = ok.load(Ordering::Relaxed);
    println!(
        "accepted {n} messages of {size} bytes over {conns} connections in {secs:.2} s: {:.0} msgs/s",
        n as f64 / secs
    );
    if !pid.is_empty()
        && let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status"))
        && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        println!(
            "server peak RSS: {}",
            line.trim_start_matches("VmHWM:").trim()
        );
    }
    Ok(())
}
