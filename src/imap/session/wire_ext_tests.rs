//! COMPRESS, UTF8=ACCEPT, MULTIAPPEND and CATENATE at the session (RFC 4978, RFC 6855,
//! RFC 3502, RFC 4469), over a real Maildir in a tempdir.

use super::tests::exchange;
use super::*;

struct T {
    s: Session,
    dir: tempfile::TempDir,
    quota: u64,
}

impl T {
    fn new(quota: u64) -> T {
        let cfg = Config {
            hostname: "mx.test".into(),
            tls_active: false,
            tls_available: true,
            plaintext_ok: true,
            append_limit: 64 << 10,
            limits: crate::imap::mailstore::Limits::default(),
        };
        let mut t = T {
            s: Session::new(cfg),
            dir: tempfile::tempdir().unwrap(),
            quota,
        };
        let r = t.send("a LOGIN alice@mx.test secret\r\n");
        assert!(r.starts_with("a OK"), "{r}");
        t
    }

    fn send(&mut self, input: &str) -> String {
        String::from_utf8_lossy(&exchange(
            &mut self.s,
            input.as_bytes(),
            self.dir.path(),
            self.quota,
        ))
        .into_owned()
    }

    /// Files of INBOX in tmp/ and cur/ (new/ gets only deliveries).
    fn files(&self) -> usize {
        ["tmp", "cur", "new"]
            .iter()
            .map(|d| std::fs::read_dir(self.dir.path().join(d)).unwrap().count())
            .sum()
    }
}

fn lit(s: &str) -> String {
    format!("{{{}+}}\r\n{s}", s.len())
}

const M1: &str = "From: a@b.test\r\nSubject: one\r\n\r\nfirst body\r\n";
const M2: &str = "From: c@d.test\r\nSubject: two\r\n\r\nsecond body\r\n";

#[test]
fn multiappend_stores_all_with_one_uid_set() {
    let mut t = T::new(0);
    let r = t.send(&format!(
        "m APPEND INBOX (\\Seen) {} (\\Flagged) {}\r\n",
        lit(M1),
        lit(M2)
    ));
    assert!(
        r.contains("m OK [APPENDUID ") && r.contains(" 1:2] "),
        "{r}"
    );
    let r = t.send("s SELECT INBOX\r\nf FETCH 1:2 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])\r\n");
    assert!(r.contains("* 2 EXISTS"), "{r}");
    assert!(r.contains("\\Seen") && r.contains("\\Flagged") && r.contains("Subject: two"));
}

#[test]
fn multiappend_is_all_or_nothing_when_the_second_message_fails() {
    // The quota admits the first message but not both.
    let mut t = T::new((M1.len() + 10) as u64);
    let r = t.send(&format!("m APPEND INBOX {} {}\r\n", lit(M1), lit(M2)));
    assert!(r.contains("m NO [OVERQUOTA]"), "{r}");
    // A bad URL in the second one: nothing either.
    let r = t.send(&format!(
        "n APPEND INBOX {} CATENATE (URL \"/INBOX/;UID=99\")\r\n",
        lit("x\r\n")
    ));
    assert!(r.contains("n NO [BADURL /INBOX/;UID=99]"), "{r}");
    let r = t.send("s STATUS INBOX (MESSAGES UIDNEXT)\r\n");
    assert!(r.contains("MESSAGES 0 UIDNEXT 1"), "{r}");
    assert_eq!(t.files(), 0, "no file left in tmp/ or cur/");
}

#[test]
fn keywords_over_the_cap_on_the_second_message_store_nothing() {
    let mut t = T::new(0);
    // Keywords over the per-folder cap on the second message only.
    let many: Vec<String> = (0..300).map(|i| format!("k{i}")).collect();
    let r = t.send(&format!(
        "m APPEND INBOX {} ({}) {}\r\n",
        lit(M1),
        many.join(" "),
        lit(M2)
    ));
    assert!(r.contains("m NO [LIMIT]"), "{r}");
    assert_eq!(t.files(), 0);
}

#[test]
fn catenate_builds_from_text_and_own_urls() {
    let mut t = T::new(0);
    let r = t.send(&format!("a APPEND INBOX {}\r\n", lit(M1)));
    assert!(r.contains("a OK [APPENDUID"), "{r}");
    let uv = r
        .split("APPENDUID ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let r = t.send(&format!(
        "c APPEND INBOX CATENATE (URL \"/INBOX;UIDVALIDITY={uv}/;UID=1/;SECTION=HEADER\" TEXT {} URL \"/inbox/;uid=1/;section=1/;partial=6.4\")\r\n",
        lit("new text ")
    ));
    assert!(r.contains("c OK [APPENDUID"), "{r}");
    let r = t.send("s SELECT INBOX\r\nf FETCH 2 BODY.PEEK[]\r\n");
    let want = "From: a@b.test\r\nSubject: one\r\n\r\nnew text body";
    assert!(r.contains(&format!("{{{}}}\r\n{want})", want.len())), "{r}");
    // An absolute URL naming this user on this server is fine; any other is not.
    let ok = "imap://alice%40mx.test;AUTH=*@MX.test/INBOX/;UID=1";
    let r = t.send(&format!("d APPEND INBOX CATENATE (URL \"{ok}\")\r\n"));
    assert!(r.contains("d OK"), "{r}");
    for bad in [
        "imap://bob@mx.test/INBOX/;UID=1",
        "imap://alice@other.test/INBOX/;UID=1",
        &format!(
            "/INBOX;UIDVALIDITY={}/;UID=1",
            uv.parse::<u32>().unwrap() + 1
        ),
        "/INBOX/;UID=1/;SECTION=5",
        "/Nope/;UID=1",
        "/../bob/;UID=1",
        "/INBOX/;UID=1/;URLAUTH=anonymous:internal:0123",
    ] {
        let r = t.send(&format!(
            "e APPEND INBOX CATENATE (TEXT {} URL \"{bad}\")\r\n",
            lit("x")
        ));
        assert!(r.contains("e NO [BADURL "), "{bad}: {r}");
    }
    // A missing destination is TRYCREATE even when a URL is bad too.
    let r = t.send("g APPEND Nope CATENATE (URL \"/INBOX/;UID=77\")\r\n");
    assert!(r.contains("g NO [TRYCREATE]"), "{r}");
    let r = t.send("n STATUS INBOX (MESSAGES)\r\n");
    assert!(r.contains("MESSAGES 3"), "only the good ones: {r}");
}

#[test]
fn catenate_past_appendlimit_is_toobig() {
    let mut t = T::new(0);
    let big = format!("Subject: big\r\n\r\n{}\r\n", "x".repeat(50 << 10));
    let r = t.send(&format!("a APPEND INBOX {}\r\n", lit(&big)));
    assert!(r.contains("a OK"), "{r}");
    let r = t.send("b APPEND INBOX CATENATE (URL \"/INBOX/;UID=1\" URL \"/INBOX/;UID=1\")\r\n");
    assert!(r.contains("b NO [TOOBIG]"), "{r}");
    // Two messages each under the limit but together past what one command may hold.
    let r = t.send(
        "c APPEND INBOX CATENATE (URL \"/INBOX/;UID=1\") CATENATE (URL \"/INBOX/;UID=1\") \
         CATENATE (URL \"/INBOX/;UID=1\")\r\n",
    );
    assert!(r.contains("c NO [TOOBIG]"), "{r}");
    assert!(
        t.send("s STATUS INBOX (MESSAGES)\r\n")
            .contains("MESSAGES 1")
    );
}

#[test]
fn compress_once_then_compressionactive() {
    let mut t = T::new(0);
    assert!(
        t.send("c CAPABILITY\r\n")
            .contains(" COMPRESS=DEFLATE UTF8=ACCEPT MULTIAPPEND CATENATE")
    );
    assert!(t.send("z COMPRESS GZIP\r\n").contains("z BAD"));
    t.s.receive(b"z COMPRESS DEFLATE\r\n");
    let mut out = Vec::new();
    assert_eq!(t.s.poll(&mut out), Action::Compress);
    assert_eq!(out, b"z OK DEFLATE active\r\n");
    assert!(
        t.send("y COMPRESS DEFLATE\r\n")
            .contains("y NO [COMPRESSIONACTIVE]")
    );
}

#[test]
fn compress_with_data_pipelined_behind_it_is_refused() {
    let mut t = T::new(0);
    let r = t.send("z COMPRESS DEFLATE\r\nx\x01");
    assert!(r.starts_with("z BAD"), "{r}");
}

#[test]
fn utf8_accept_names_and_append() {
    let mut t = T::new(0);
    let r = t.send("c CREATE \"Entwürfe\"\r\n");
    assert!(r.contains("c NO"), "8-bit before ENABLE: {r}");
    let r = t.send(&format!(
        "u APPEND INBOX UTF8 (~{{{}}}\r\n{M1})\r\n",
        M1.len()
    ));
    assert!(r.contains("u BAD"), "UTF8 data before ENABLE: {r}");
    let r = t.send("e ENABLE UTF8=ACCEPT\r\n");
    assert!(r.contains("* ENABLED UTF8=ACCEPT"), "{r}");
    let r = t.send("c CREATE \"Entwürfe\"\r\nd CREATE \"a&b\"\r\nl LIST \"\" *\r\n");
    assert!(r.contains("c OK") && r.contains("d OK"), "{r}");
    assert!(
        r.contains("* LIST (\\HasNoChildren) \"/\" \"Entwürfe\"\r\n"),
        "{r}"
    );
    assert!(
        r.contains("\"/\" \"a&b\"\r\n"),
        "no modified UTF-7 under UTF8=ACCEPT: {r}"
    );
    let r = t.send("s STATUS \"Entwürfe\" (MESSAGES)\r\n");
    assert!(r.contains("* STATUS \"Entwürfe\" (MESSAGES 0)"), "{r}");
    let m = "From: a@b.test\r\nSubject: Grüße\r\n\r\nü\r\n";
    let r = t.send(&format!(
        "u APPEND \"Entwürfe\" UTF8 (~{{{}+}}\r\n{m})\r\n",
        m.len()
    ));
    assert!(r.contains("u OK [APPENDUID"), "{r}");
    let r = t.send("x EXAMINE \"Entwürfe\"\r\nf FETCH 1 BODY.PEEK[HEADER.FIELDS (SUBJECT)]\r\n");
    assert!(r.contains("Subject: Grüße"), "served as it is: {r}");
    // RFC 6855 §3: SEARCH with a CHARSET is BAD now; without one it searches UTF-8.
    let r = t.send("s1 SEARCH CHARSET UTF-8 SUBJECT \"Grüße\"\r\ns2 SEARCH SUBJECT \"Grüße\"\r\n");
    assert!(
        r.contains("s1 BAD") && r.contains("* SEARCH 1\r\ns2 OK"),
        "{r}"
    );
    // A session without UTF8=ACCEPT sees the same folder in modified UTF-7.
    let mut other = Session::new(t.s.cfg.clone());
    let r = exchange(
        &mut other,
        b"a LOGIN alice@mx.test secret\r\nl LIST \"\" Entw*\r\n",
        t.dir.path(),
        0,
    );
    let r = String::from_utf8_lossy(&r);
    assert!(r.contains("\"/\" Entw&APw-rfe\r\n"), "{r}");
}
