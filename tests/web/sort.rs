//! Sorting the webmail message list (`?sort=&order=`, IMAP's own SORT keys): each key in
//! both orders, the column-header links, paging and search links keeping the order, and
//! hostile values falling back to the default.

use crate::common::users::PASSWORD;
use crate::harness::{Answer, Client, start};

const ALICE: &str = "alice@example.test";

/// Delivered in this order; From local parts carol < amy < bob reorder them, the base
/// subject of "Re: banana" (RFC 5256 §2.1) sorts it between apple and cherry, and sizes
/// are small, large, medium.
fn messages() -> [String; 3] {
    let m = |from: &str, subject: &str, pad: usize| {
        format!(
            "From: {from}\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\r\nfruit {}\r\n",
            "x".repeat(pad)
                .as_bytes()
                .chunks(70)
                .map(|l| String::from_utf8_lossy(l))
                .collect::<Vec<_>>()
                .join("\r\n")
        )
    };
    [
        m("Carol <carol@example.org>", "Re: banana", 10),
        m("Zed <amy@example.org>", "cherry", 3000),
        m("Alf <bob@example.org>", "apple", 1500),
    ]
}

/// The subjects of the list's rows, in page order.
fn rows(a: &Answer) -> Vec<String> {
    assert_eq!(a.status, 200, "{}", a.text());
    let t = a.text();
    let body = t.split("<tbody>").nth(1).unwrap_or("");
    body.split("<td><a href=\"/mail/INBOX/")
        .skip(1)
        .filter_map(|r| r.split_once("\">").map(|(_, rest)| rest))
        .filter_map(|r| r.split_once("</a>").map(|(s, _)| s.to_string()))
        .collect()
}

#[test]
fn message_lists_sort_by_sort_keys_in_both_orders_and_links_keep_the_order() {
    let srv = start(false, &[]);
    let msgs = messages();
    let refs: Vec<&str> = msgs.iter().map(String::as_str).collect();
    srv.deliver(ALICE, &refs);
    let mut c = Client::new(&srv.base);
    assert_eq!(c.login(ALICE, PASSWORD).status, 303);
    let (a, b, ch) = ("apple", "Re: banana", "cherry");
    let cases: [(&str, [&str; 3]); 10] = [
        ("", [a, ch, b]),
        ("?sort=date&order=desc", [a, ch, b]),
        ("?sort=date&order=asc", [b, ch, a]),
        ("?sort=from&order=asc", [ch, a, b]),
        ("?sort=from&order=desc", [b, a, ch]),
        ("?sort=subject&order=asc", [a, b, ch]),
        ("?sort=subject&order=desc", [ch, b, a]),
        ("?sort=size&order=asc", [b, a, ch]),
        ("?sort=size&order=desc", [ch, a, b]),
        // Hostile or unknown values: the default, never an error page.
        ("?sort=%3Cscript%3E&order=..%2F..%2Fetc", [a, ch, b]),
    ];
    for (query, want) in cases {
        assert_eq!(
            rows(&c.get(&format!("/mail/INBOX{query}"))),
            want,
            "{query}"
        );
    }
    // An unknown order: the key's first order (names A to Z).
    assert_eq!(
        rows(&c.get("/mail/INBOX?sort=from&order=sideways")),
        [ch, a, b]
    );
    let hostile = c.get("/mail/INBOX?sort=%3Cscript%3E&order=%22%3E");
    assert!(!hostile.text().contains("<script>"), "{}", hostile.text());

    // Column headers set a key, and flip the current one.
    let t = c.get("/mail/INBOX?sort=from&order=asc").text();
    assert!(
        t.contains("id=\"sort-from\" href=\"/mail/INBOX?sort=from&amp;order=desc&amp;page=1\""),
        "{t}"
    );
    assert!(
        t.contains("id=\"sort-size\" href=\"/mail/INBOX?sort=size&amp;order=desc&amp;page=1\""),
        "{t}"
    );
    assert!(
        t.contains("id=\"sort-date\" href=\"/mail/INBOX?page=1\""),
        "{t}"
    );
    // A search keeps the order, and is sorted by it.
    assert!(t.contains("name=\"sort\" value=\"from\""), "{t}");
    assert_eq!(
        rows(&c.get("/mail/INBOX?q=fruit&sort=subject&order=desc")),
        [ch, b, a]
    );

    // Paging links keep the order (and the search).
    let md = crate::common::maildir::of(srv.path(), "alice", "example.test");
    for i in 0..50 {
        let m = format!(
            "From: zz{i}@example.org\r\nTo: alice@example.test\r\nSubject: zfill {i:02}\r\n\r\nfruit\r\n"
        );
        std::fs::write(md.join(format!("new/{}.M{i}P1.test", 1_700_000_000 + i)), m).unwrap();
    }
    let p1 = c.get("/mail/INBOX?sort=subject&order=asc");
    assert_eq!(rows(&p1)[..4], [a, b, ch, "zfill 00"]);
    let next = "href=\"/mail/INBOX?sort=subject&amp;order=asc&amp;page=2\"";
    assert!(p1.text().contains(next), "{}", p1.text());
    let p2 = c.get("/mail/INBOX?sort=subject&order=asc&page=2");
    assert_eq!(rows(&p2), ["zfill 47", "zfill 48", "zfill 49"]);
    assert!(
        p2.text()
            .contains("href=\"/mail/INBOX?sort=subject&amp;order=asc&amp;page=1\""),
        "{}",
        p2.text()
    );
    let s1 = c.get("/mail/INBOX?q=fruit&sort=size&order=desc");
    assert_eq!(rows(&s1)[..2], [ch, a]);
    let next = "href=\"/mail/INBOX?q=fruit&amp;sort=size&amp;order=desc&amp;page=2\"";
    assert!(s1.text().contains(next), "{}", s1.text());
}
