//! The #19.2 extensions over the in-memory store: OBJECTID (RFC 8474), SAVEDATE (RFC 8514)
//! and PREVIEW (RFC 8970).

use super::mem_tests::M;

fn logged_in() -> M {
    let mut m = M::new();
    let r = m.send("a LOGIN alice secret\r\n");
    for cap in ["OBJECTID", "PREVIEW", "SAVEDATE"] {
        assert!(r.contains(&format!(" {cap}")), "{cap}: {r}");
    }
    m
}

fn append(m: &mut M, mailbox: &str, msg: &str) {
    let r = m.send(&format!(
        "x APPEND {mailbox} {{{}+}}\r\n{msg}\r\n",
        msg.len()
    ));
    assert!(r.contains("x OK"), "{r}");
}

/// The value in `(...)` after `key` in `r`.
fn paren_after<'a>(r: &'a str, key: &str) -> &'a str {
    let at = r
        .find(&format!("{key} ("))
        .unwrap_or_else(|| panic!("no {key} in {r}"))
        + key.len()
        + 2;
    &r[at..at + r[at..].find(')').unwrap()]
}

#[test]
fn mailboxid_in_create_select_status_and_kept_by_rename() {
    let mut m = logged_in();
    let r = m.send("b CREATE Work\r\n");
    assert!(r.starts_with("b OK [MAILBOXID ("), "{r}");
    let id = paren_after(&r, "MAILBOXID").to_string();
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()),
        "{id}"
    );
    let r = m.send("c STATUS Work (MESSAGES MAILBOXID)\r\n");
    assert!(
        r.contains(&format!("* STATUS Work (MESSAGES 0 MAILBOXID ({id}))\r\n")),
        "{r}"
    );
    let r = m.send("d RENAME Work Job\r\n");
    assert!(r.contains("d OK"), "{r}");
    let r = m.send("e SELECT Job\r\n");
    assert!(r.contains(&format!("* OK [MAILBOXID ({id})]")), "{r}");
    let r = m.send("f STATUS INBOX (MAILBOXID)\r\n");
    assert_ne!(paren_after(&r, "MAILBOXID"), id, "{r}");
}

#[test]
fn emailid_is_shared_by_copies_and_searchable_threadid_is_nil() {
    let mut m = logged_in();
    append(&mut m, "INBOX", "Subject: one\r\n\r\nfirst\r\n");
    append(&mut m, "INBOX", "Subject: two\r\n\r\nsecond\r\n");
    m.send("b SELECT INBOX\r\n");
    let r = m.send("c FETCH 1:2 (EMAILID THREADID)\r\n");
    assert!(r.contains("THREADID NIL"), "{r}");
    let first = r.lines().next().unwrap();
    let id1 = paren_after(first, "EMAILID").to_string();
    let id2 = paren_after(r.lines().nth(1).unwrap(), "EMAILID").to_string();
    assert_ne!(id1, id2);
    assert!(m.send("d CREATE Archive\r\n").contains("d OK"));
    assert!(m.send("e COPY 1 Archive\r\n").contains("e OK"));
    let r = m.send(&format!("f SEARCH EMAILID {id1}\r\n"));
    assert!(r.starts_with("* SEARCH 1\r\n"), "{r}");
    assert!(
        m.send("g SEARCH THREADID T1\r\n")
            .starts_with("* SEARCH\r\n")
    );
    assert!(m.send("h SEARCH EMAILID bad.id\r\n").contains("h BAD"));
    m.send("i SELECT Archive\r\n");
    let r = m.send("j FETCH 1 (EMAILID)\r\n");
    assert_eq!(paren_after(&r, "EMAILID"), id1, "{r}");
}

#[test]
fn savedate_fetch_and_search() {
    let mut m = logged_in();
    append(&mut m, "INBOX", "Subject: one\r\n\r\nfirst\r\n");
    m.send("b SELECT INBOX\r\n");
    let r = m.send("c FETCH 1 (SAVEDATE INTERNALDATE)\r\n");
    assert!(r.contains("SAVEDATE \""), "{r}");
    // The memory store's internal date is fixed in 2023; the save date is now.
    let today = chrono::Local::now().format("%d-%b-%Y").to_string();
    assert!(
        m.send(&format!("d SEARCH SAVEDON {today}\r\n"))
            .starts_with("* SEARCH 1\r\n")
    );
    assert!(
        m.send("e SEARCH SAVEDBEFORE 1-Jan-2000\r\n")
            .starts_with("* SEARCH\r\n")
    );
    assert!(
        m.send("f SEARCH SAVEDSINCE 1-Jan-2000 SAVEDATESUPPORTED\r\n")
            .starts_with("* SEARCH 1\r\n")
    );
    assert!(
        m.send("g SEARCH ON 1-Jan-2000\r\n")
            .starts_with("* SEARCH\r\n")
    );
}

#[test]
fn preview_of_text_and_html_with_and_without_lazy() {
    let mut m = logged_in();
    append(
        &mut m,
        "INBOX",
        "Subject: p\r\n\r\nHello   there,\r\n> quoted\r\nbye\r\n",
    );
    append(
        &mut m,
        "INBOX",
        "Subject: h\r\nContent-Type: text/html\r\n\r\n<p>Rich <i>text</i></p>\r\n",
    );
    m.send("b SELECT INBOX\r\n");
    let r = m.send("c FETCH 1:2 (PREVIEW)\r\n");
    assert!(
        r.contains("* 1 FETCH (PREVIEW \"Hello there, bye\")\r\n"),
        "{r}"
    );
    assert!(r.contains("* 2 FETCH (PREVIEW \"Rich text"), "{r}");
    let r = m.send("d UID FETCH 1 (UID PREVIEW (LAZY) FLAGS)\r\n");
    assert!(r.contains("PREVIEW \"Hello there, bye\" FLAGS"), "{r}");
    assert!(
        m.send("e FETCH 1 PREVIEW (LAZY)\r\n")
            .contains("PREVIEW \"Hello")
    );
    assert!(m.send("f FETCH 1 (PREVIEW (FAST))\r\n").contains("f BAD"));
}

#[test]
fn metadata_on_mailboxes_and_the_server_with_depth_maxsize_and_list() {
    let mut m = logged_in();
    let r = m.send("b GETMETADATA \"\" /shared/admin\r\n");
    assert!(
        r.starts_with("* METADATA \"\" (/shared/admin \"mailto:postmaster@mx.test\")\r\n"),
        "{r}"
    );
    assert!(
        m.send("c SETMETADATA \"\" (/shared/admin \"x\")\r\n")
            .contains("c NO")
    );
    let r = m.send("d SETMETADATA INBOX (/private/comment \"mine\" /shared/comment {5+}\r\nhello /shared/x/y/z \"deep\")\r\n");
    assert!(r.contains("d OK"), "{r}");
    let r = m.send("e GETMETADATA INBOX (/private/comment /shared/none)\r\n");
    assert!(
        r.starts_with("* METADATA INBOX (/private/comment \"mine\" /shared/none NIL)\r\n"),
        "{r}"
    );
    let r = m.send("f GETMETADATA (DEPTH infinity MAXSIZE 4) INBOX /shared\r\n");
    assert!(
        r.starts_with("* METADATA INBOX (/shared/x/y/z \"deep\")\r\n"),
        "{r}"
    );
    assert!(r.contains("f OK [METADATA LONGENTRIES 5]"), "{r}");
    let r = m.send("g GETMETADATA (DEPTH 1) INBOX /shared/x\r\n");
    assert!(r.starts_with("* METADATA INBOX (/shared/x NIL)\r\n"), "{r}");
    // NIL removes; a value past the cap is refused whole.
    assert!(
        m.send("h SETMETADATA INBOX (/shared/x/y/z NIL)\r\n")
            .contains("h OK")
    );
    let big = "x".repeat(70_000);
    let r = m.send(&format!(
        "i SETMETADATA INBOX (/private/big {{{}+}}\r\n{big})\r\n",
        big.len()
    ));
    assert!(r.contains("i NO [METADATA MAXSIZE 65536]"), "{r}");
    let many: String = (0..101).map(|i| format!(" /private/n{i} \"v\"")).collect();
    let r = m.send(&format!("j SETMETADATA INBOX ({})\r\n", &many[1..]));
    assert!(
        r.contains("j BAD") || r.contains("j NO [METADATA TOOMANY]"),
        "{r}"
    );
    let many: String = (0..99).map(|i| format!(" /private/n{i} \"v\"")).collect();
    let r = m.send(&format!("k SETMETADATA INBOX ({})\r\n", &many[1..]));
    assert!(r.contains("k NO [METADATA TOOMANY]"), "{r}");
    assert!(
        m.send("l SETMETADATA Nope (/private/comment \"x\")\r\n")
            .contains("l NO")
    );
    // Entries follow RENAME and LIST-METADATA shows them.
    assert!(m.send("m CREATE Work\r\n").contains("m OK"));
    assert!(
        m.send("n SETMETADATA Work (/shared/comment \"w\")\r\n")
            .contains("n OK")
    );
    assert!(m.send("o RENAME Work Job\r\n").contains("o OK"));
    let r = m.send("p LIST \"\" \"*\" RETURN (METADATA (/shared/comment))\r\n");
    assert!(
        r.contains("* METADATA Job (/shared/comment \"w\")\r\n"),
        "{r}"
    );
    assert!(
        r.contains("* METADATA INBOX (/shared/comment \"hello\")\r\n"),
        "{r}"
    );
    assert!(
        m.send("q GETMETADATA Work /shared/comment\r\n")
            .contains("q NO")
    );
}
