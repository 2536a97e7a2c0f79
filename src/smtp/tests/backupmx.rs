//! The backup MX's replies at RCPT (`smtp::backupmx`): a recipient the primary knows is
//! accepted and left for the queue (not local), one it refused gets `550 5.1.1`, one nobody
//! could verify `450 4.1.1` (not counted as an error: the sender retries).

use super::*;

#[test]
fn backed_up_recipients_are_queued_refused_or_deferred() {
    let mut t = T::new(Service::Mx);
    let out = t.r("EHLO c\r\nMAIL FROM:<x@remote.example>\r\nRCPT TO:<known@backup.test>\r\nRCPT TO:<gone@backup.test>\r\nRCPT TO:<new@backup.test>\r\nRCPT TO:<x@elsewhere.example>\r\nDATA\r\n");
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("250-")).collect();
    assert!(lines[2].starts_with("250 2.1.5 "), "{out}");
    assert!(lines[3].starts_with("550 5.1.1 "), "{out}");
    assert!(lines[4].starts_with("450 4.1.1 "), "{out}");
    // Not an open relay for anything else.
    assert!(lines[5].starts_with("554 5.7.1 "), "{out}");
    assert!(lines[6].starts_with("354"), "{out}");
    t.r(MSG);
    let env = t.store.lock().unwrap().committed[0].0.clone();
    assert_eq!(env.recipients.len(), 1);
    assert_eq!(env.recipients[0].address.to_string(), "known@backup.test");
    assert!(
        !env.recipients[0].local,
        "backed-up mail is never delivered here"
    );
}
