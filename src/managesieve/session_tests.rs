use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Mutex;

use super::*;
use crate::managesieve::store::Result as StoreResult;

/// Scripts in memory, with the real compiler and a size limit.
#[derive(Default)]
struct Mem {
    scripts: Mutex<BTreeMap<String, (String, bool)>>,
}

impl Scripts for Mem {
    fn max_size(&self) -> u64 {
        1000
    }
    fn list(&self) -> StoreResult<Vec<(String, bool)>> {
        let m = self.scripts.lock().unwrap();
        Ok(m.iter().map(|(k, v)| (k.clone(), v.1)).collect())
    }
    fn get(&self, name: &str) -> StoreResult<String> {
        let m = self.scripts.lock().unwrap();
        m.get(name)
            .map(|v| v.0.clone())
            .ok_or_else(|| StoreError::NonExistent(name.into()))
    }
    fn have_space(&self, _name: &str, size: u64) -> StoreResult<()> {
        if size > 1000 {
            return Err(StoreError::Quota(OverQuota::MaxSize(1000)));
        }
        Ok(())
    }
    fn check(&self, content: &str) -> StoreResult<()> {
        crate::core::sieve::compile(content, 1000)?;
        Ok(())
    }
    fn put(&self, name: &str, content: &str) -> StoreResult<()> {
        self.have_space(name, content.len() as u64)?;
        self.check(content)?;
        let mut m = self.scripts.lock().unwrap();
        let active = m.get(name).is_some_and(|v| v.1);
        m.insert(name.into(), (content.into(), active));
        Ok(())
    }
    fn activate(&self, name: Option<&str>) -> StoreResult<()> {
        let mut m = self.scripts.lock().unwrap();
        if let Some(n) = name
            && !m.contains_key(n)
        {
            return Err(StoreError::NonExistent(n.into()));
        }
        for (k, v) in m.iter_mut() {
            v.1 = Some(k.as_str()) == name;
        }
        Ok(())
    }
    fn delete(&self, name: &str) -> StoreResult<()> {
        let mut m = self.scripts.lock().unwrap();
        match m.get(name) {
            None => Err(StoreError::NonExistent(name.into())),
            Some(v) if v.1 => Err(StoreError::Active(name.into())),
            Some(_) => {
                m.remove(name);
                Ok(())
            }
        }
    }
    fn rename(&self, old: &str, new: &str) -> StoreResult<()> {
        let mut m = self.scripts.lock().unwrap();
        if m.contains_key(new) {
            return Err(StoreError::AlreadyExists(new.into()));
        }
        let v = m
            .remove(old)
            .ok_or_else(|| StoreError::NonExistent(old.into()))?;
        m.insert(new.into(), v);
        Ok(())
    }
}

struct T {
    s: Session,
    logins: RefCell<Vec<(String, String)>>,
}

fn session(plaintext_ok: bool) -> T {
    T {
        s: Session::new(Config {
            tls_active: false,
            tls_available: true,
            plaintext_ok,
        }),
        logins: RefCell::new(Vec::new()),
    }
}

impl T {
    /// Feeds `input`, answers logins (password "pw" is right), skips pauses; the output.
    fn send(&mut self, input: &[u8]) -> String {
        self.s.receive(input);
        let mut out = Vec::new();
        for _ in 0..100 {
            match self.s.poll(&mut out) {
                Action::Authenticate { user, password } => {
                    let ok = password == "pw";
                    self.logins.borrow_mut().push((user, password));
                    let r = if ok {
                        LoginResult::Ok(Box::new(Mem::default()))
                    } else {
                        LoginResult::Rejected
                    };
                    self.s.login_result(r, &mut out);
                }
                Action::Pause(_) => {}
                Action::NeedInput | Action::StartTls | Action::Close => break,
            }
        }
        String::from_utf8(out).unwrap()
    }

    fn logged_in() -> T {
        let mut t = session(true);
        // base64("\0ann@example.test\0pw")
        let r = t.send(b"AUTHENTICATE \"PLAIN\" \"AGFubkBleGFtcGxlLnRlc3QAcHc=\"\r\n");
        assert_eq!(r, "OK \"Logged in\"\r\n");
        t
    }
}

#[test]
fn greeting_lists_capabilities_then_ok() {
    let t = session(false);
    let mut out = Vec::new();
    t.s.greeting(&mut out);
    let g = String::from_utf8(out).unwrap();
    assert!(g.starts_with("\"IMPLEMENTATION\" \"mailctl\"\r\n"), "{g}");
    // Plaintext not allowed yet: no mechanism before STARTTLS.
    assert!(g.contains("\"SASL\" \"\"\r\n"), "{g}");
    assert!(g.contains("\"SIEVE\" \"") && g.contains("fileinto"), "{g}");
    assert!(g.contains("\"STARTTLS\"\r\n"), "{g}");
    assert!(g.contains("\"VERSION\" \"1.0\"\r\n"), "{g}");
    assert!(g.contains("\"MAXREDIRECTS\" \"4\"\r\n"), "{g}");
    assert!(g.ends_with("OK \"mailctl ManageSieve ready\"\r\n"), "{g}");
}

#[test]
fn plaintext_login_needs_tls_unless_allowed() {
    let mut t = session(false);
    let r = t.send(b"AUTHENTICATE \"PLAIN\" \"AGFubkBleGFtcGxlLnRlc3QAcHc=\"\r\n");
    assert!(r.starts_with("NO (ENCRYPT-NEEDED)"), "{r}");
    assert!(t.logins.borrow().is_empty());
    assert!(t.send(b"STARTTLS\r\n").starts_with("OK"));
    let mut out = Vec::new();
    t.s.tls_started(&mut out);
    let caps = String::from_utf8(out).unwrap();
    assert!(
        caps.contains("\"SASL\" \"PLAIN\"") && !caps.contains("STARTTLS"),
        "{caps}"
    );
    let r = t.send(b"AUTHENTICATE \"PLAIN\" \"AGFubkBleGFtcGxlLnRlc3QAcHc=\"\r\n");
    assert_eq!(r, "OK \"Logged in\"\r\n");
}

#[test]
fn authenticate_with_continuation_and_cancel() {
    let mut t = session(true);
    assert_eq!(t.send(b"AUTHENTICATE \"PLAIN\"\r\n"), "\"\"\r\n");
    assert_eq!(t.send(b"\"*\"\r\n"), "NO \"Authentication cancelled\"\r\n");
    assert_eq!(t.send(b"Authenticate \"plain\"\r\n"), "\"\"\r\n");
    let r = t.send(b"{28+}\r\nAGFubkBleGFtcGxlLnRlc3QAcHc=\r\n");
    assert_eq!(r, "OK \"Logged in\"\r\n");
    assert_eq!(t.logins.borrow()[0].0, "ann@example.test");
}

#[test]
fn a_wrong_password_is_refused_and_counted() {
    let mut t = session(true);
    // base64("\0ann@example.test\0no")
    for _ in 0..MAX_AUTH_FAILURES - 1 {
        let r = t.send(b"AUTHENTICATE \"PLAIN\" \"AGFubkBleGFtcGxlLnRlc3QAbm8=\"\r\n");
        assert_eq!(r, "NO \"Authentication failed\"\r\n");
    }
    let r = t.send(b"AUTHENTICATE \"PLAIN\" \"AGFubkBleGFtcGxlLnRlc3QAbm8=\"\r\n");
    assert!(r.contains("BYE"), "{r}");
}

#[test]
fn script_commands_need_a_login() {
    let mut t = session(true);
    for c in [
        &b"LISTSCRIPTS\r\n"[..],
        b"GETSCRIPT \"a\"\r\n",
        b"PUTSCRIPT \"a\" {5+}\r\nkeep;\r\n",
        b"DELETESCRIPT \"a\"\r\n",
    ] {
        assert_eq!(t.send(c), "NO \"Authenticate first\"\r\n");
    }
    assert_eq!(t.send(b"FROB\r\n"), "NO \"Unknown command\"\r\n");
    assert!(t.send(b"CAPABILITY\r\n").ends_with("OK\r\n"));
    assert_eq!(t.send(b"NOOP \"x1\"\r\n"), "OK (TAG \"x1\") \"Done\"\r\n");
}

#[test]
fn put_check_list_activate_get_rename_delete() {
    let mut t = T::logged_in();
    assert_eq!(t.send(b"PUTSCRIPT \"s\" {5+}\r\nkeep;\r\n"), "OK\r\n");
    let r = t.send(b"CHECKSCRIPT {21+}\r\nrequire \"x\";\r\nkeep;\r\n\r\n");
    assert!(r.starts_with("NO \"line 1"), "{r}");
    let r = t.send(b"PUTSCRIPT \"bad\" \"keep\"\r\n");
    assert!(r.starts_with("NO \"line 1"), "{r}");
    assert_eq!(t.send(b"CHECKSCRIPT \"discard;\"\r\n"), "OK\r\n");
    assert_eq!(t.send(b"SETACTIVE \"s\"\r\n"), "OK\r\n");
    assert_eq!(t.send(b"LISTSCRIPTS\r\n"), "\"s\" ACTIVE\r\nOK\r\n");
    assert_eq!(t.send(b"GETSCRIPT \"s\"\r\n"), "{5}\r\nkeep;\r\nOK\r\n");
    assert!(
        t.send(b"GETSCRIPT \"nope\"\r\n")
            .starts_with("NO (NONEXISTENT)")
    );
    assert!(t.send(b"DELETESCRIPT \"s\"\r\n").starts_with("NO (ACTIVE)"));
    assert_eq!(t.send(b"PUTSCRIPT \"t\" \"keep;\"\r\n"), "OK\r\n");
    assert!(
        t.send(b"RENAMESCRIPT \"s\" \"t\"\r\n")
            .starts_with("NO (ALREADYEXISTS)")
    );
    assert_eq!(t.send(b"RENAMESCRIPT \"s\" \"u\"\r\n"), "OK\r\n");
    assert_eq!(t.send(b"SETACTIVE \"\"\r\n"), "OK\r\n");
    assert_eq!(t.send(b"DELETESCRIPT \"u\"\r\n"), "OK\r\n");
    assert_eq!(t.send(b"LISTSCRIPTS\r\n"), "\"t\"\r\nOK\r\n");
    assert!(
        t.send(b"HAVESPACE \"x\" 5000\r\n")
            .starts_with("NO (QUOTA/MAXSIZE)")
    );
    assert_eq!(t.send(b"HAVESPACE \"x\" 50\r\n"), "OK\r\n");
    assert_eq!(t.send(b"LOGOUT\r\n"), "OK \"Logout complete\"\r\n");
}

#[test]
fn a_literal_over_the_limit_is_skipped_not_buffered() {
    let mut t = T::logged_in();
    let r = t.send(b"PUTSCRIPT \"big\" {4000000000+}\r\n");
    assert_eq!(r, "");
    // Megabytes go by without being kept.
    for _ in 0..20 {
        assert_eq!(t.send(&vec![b'x'; 64 << 10]), "");
        assert!(t.s.input.is_empty());
    }
    // Before login, the limit is a SASL response's.
    let mut u = session(true);
    let r = u.send(b"AUTHENTICATE \"PLAIN\" {5+}\r\nabcde\r\n");
    assert!(r.starts_with("NO"), "{r}");
    let r = u.send(b"AUTHENTICATE \"PLAIN\" {100000+}\r\n");
    assert_eq!(r, "");
    let r = u.send(&[b'a'; 100000]);
    assert_eq!(r, "");
    assert_eq!(
        u.send(b"\r\nNOOP\r\n"),
        "NO \"Literal too large\"\r\nOK \"Done\"\r\n"
    );
    // Within the limit it is stored; one octet over is refused with the quota code.
    let mut t = T::logged_in();
    let body = format!("keep;{}", " ".repeat(1000 + 4096));
    let r = t.send(format!("PUTSCRIPT \"a\" {{{}+}}\r\n{body}\r\n", body.len()).as_bytes());
    assert!(r.starts_with("NO (QUOTA/MAXSIZE)"), "{r}");
    assert_eq!(t.send(b"LISTSCRIPTS\r\n"), "OK\r\n");
}

#[test]
fn hostile_syntax_gets_clear_errors() {
    let mut t = session(true);
    assert!(t.send(b"GETSCRIPT \"unterminated\r\n").starts_with("NO "));
    assert!(t.send(b"GETSCRIPT \"bad \\q\"\r\n").starts_with("NO "));
    assert!(
        t.send(b"HAVESPACE \"a\" 99999999999\r\n")
            .starts_with("NO ")
    );
    // Still usable after errors, until too many.
    assert!(t.send(b"NOOP\r\n").starts_with("OK"));
    let r = t.send(&vec![b'A'; wire::MAX_LINE + 1]);
    assert!(r.starts_with("BYE"), "{r}");
    let mut t = session(true);
    let mut all = String::new();
    for _ in 0..MAX_ERRORS + 1 {
        all += &t.send(b"BOGUS\r\n");
    }
    assert!(all.ends_with("BYE \"Too many errors\"\r\n"), "{all}");
}

#[test]
fn byte_at_a_time_input_parses_the_same() {
    let mut t = T::logged_in();
    let mut out = String::new();
    for b in b"PUTSCRIPT \"s\" {5+}\r\nkeep;\r\nLISTSCRIPTS\r\n" {
        out += &t.send(&[*b]);
    }
    assert_eq!(out, "OK\r\n\"s\"\r\nOK\r\n");
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_input(chunks in proptest::collection::vec(
        proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64), 0..8)) {
        let mut t = T::logged_in();
        for c in chunks {
            let _ = t.send(&c);
        }
    }
}
