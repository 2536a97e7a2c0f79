use super::*;
use std::os::unix::fs::symlink;

/// Writes a file 0600, as delivery does (the test's umask must not matter).
fn put(path: impl AsRef<Path>, content: impl AsRef<[u8]>) {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .unwrap()
        .write_all(content.as_ref())
        .unwrap();
}

fn kinds(p: &[Problem]) -> Vec<&'static str> {
    let mut k: Vec<_> = p.iter().map(|p| p.kind).collect();
    k.sort_unstable();
    k.dedup();
    k
}

fn count_files(root: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                n += 1;
            }
        }
    }
    n
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn backdate(path: &Path, secs: u64) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(secs);
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(old)
        .unwrap();
}

#[test]
fn finds_and_repairs_without_losing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    std::fs::create_dir_all(root.join(".Broken/cur")).unwrap(); // no new/ or tmp/
    put(root.join("cur/1700000000.a.host:2,S"), "Subject: a\n\nx\n");
    put(root.join("new/1700000000.a.host"), "Subject: dup\n\nx\n");
    put(root.join("cur/bad:name:9"), "Subject: b\n\nx\n");
    put(
        root.join("cur/1700000001.c.host:2,"),
        "no headers at all, just text",
    );
    let stale = root.join("tmp/1600000000.old.host");
    put(&stale, "Subject: stale\n\nx\n");
    backdate(&stale, 40 * 3600);
    let found = check(root, false).unwrap();
    for k in [
        "missing-directory",
        "stale-tmp",
        "bad-name",
        "duplicate-name",
        "not-a-message",
    ] {
        assert!(kinds(&found).contains(&k), "{k} not found in {found:#?}");
    }
    let before = count_files(root);
    let fixed = check(root, true).unwrap();
    assert!(fixed.iter().all(|p| p.repaired.is_some()), "{fixed:#?}");
    assert_eq!(count_files(root), before, "repair must not delete anything");
    let again = check(root, false).unwrap();
    assert!(again.is_empty(), "{again:#?}");
    // The stale delivery and the text file are aside, not messages.
    assert_eq!(names(&root.join(LOST_FOUND)).len(), 2);
    assert!(!root.join(".lost+found").exists());
}

#[test]
fn repair_never_makes_a_message_of_a_non_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root.join("cur/.DS_Store"), b"\0\0\0\x01Bud1\0\0");
    put(root.join("new/.hidden"), "Subject: still hidden\n\nx\n");
    put(root.join("cur/1700000002.e.host:2,S"), "");
    put(
        root.join("cur/1700000003.f.host:2,"),
        "just words\nno header\n",
    );
    put(
        root.join("cur/1700000004.g.host:2,S"),
        "Subject: real\n\nx\n",
    );
    let found = check(root, false).unwrap();
    assert_eq!(kinds(&found), ["not-a-message"], "{found:#?}");
    assert_eq!(found.len(), 4);
    check(root, true).unwrap();
    assert_eq!(names(&root.join("cur")), ["1700000004.g.host:2,S"]);
    assert!(names(&root.join("new")).is_empty());
    let aside = names(&root.join(LOST_FOUND));
    assert_eq!(aside.len(), 4, "{aside:?}");
    assert!(aside.iter().any(|n| n.ends_with(".DS_Store")), "{aside:?}");
    assert!(check(root, false).unwrap().is_empty());
}

#[test]
fn names_and_flags_are_reported_and_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    let m = "Subject: m\n\nx\n";
    for f in [
        "cur/1.a.h:2,SF",
        "cur/2.b.h:2,SS",
        "cur/3.c.h:2,s",
        "new/4.d.h:2,S",
        "cur/5.e.h",
        "cur/6 f h:2,S",
        "cur/7.g.h:2,FS",
    ] {
        put(root.join(f), m);
    }
    let found = check(root, false).unwrap();
    assert_eq!(
        kinds(&found),
        [
            "flags-lowercase",
            "flags-unsorted",
            "info-in-new",
            "name-space",
            "no-info-in-cur"
        ],
        "{found:#?}"
    );
    // One problem per file, the good one has none.
    assert_eq!(found.len(), 6, "{found:#?}");
    check(root, true).unwrap();
    let cur = names(&root.join("cur"));
    for want in [
        "1.a.h:2,FS",
        "2.b.h:2,S",
        "3.c.h:2,S",
        "4.d.h:2,S",
        "5.e.h:2,",
        "7.g.h:2,FS",
    ] {
        assert!(cur.contains(&want.to_string()), "{want} not in {cur:?}");
    }
    assert_eq!(cur.len(), 7, "{cur:?}");
    assert!(names(&root.join("new")).is_empty());
    assert!(check(root, false).unwrap().is_empty());
}

#[test]
fn dovecot_keywords_stay_lower_case() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    crate::maildir::deliver::ensure(root).unwrap();
    put(root.join("dovecot-keywords"), "0 $Forwarded\n");
    put(root.join("cur/1.a.h:2,Sa"), "Subject: m\n\nx\n");
    assert!(check(root, false).unwrap().is_empty());
}

#[test]
fn links_and_special_files_are_reported_and_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    put(outside.join("secret"), "root:x:0:0\n");
    let root = dir.path().join("md");
    crate::maildir::deliver::ensure(&root).unwrap();
    symlink(outside.join("secret"), root.join("cur/1.a.h:2,S")).unwrap();
    std::fs::remove_dir(root.join("new")).unwrap();
    symlink(&outside, root.join("new")).unwrap();
    symlink(&outside, root.join(".Evil")).unwrap();
    std::fs::create_dir(root.join("cur/2.b.h:2,")).unwrap();
    let found = check(&root, false).unwrap();
    assert_eq!(
        kinds(&found),
        ["not-a-directory", "not-a-file", "symlink"],
        "{found:#?}"
    );
    check(&root, true).unwrap();
    assert!(check(&root, false).unwrap().is_empty());
    assert!(is_real_dir(&root.join("new")));
    assert_eq!(names(&root.join(LOST_FOUND)).len(), 4);
    // The targets are untouched.
    assert_eq!(names(&outside), ["secret"]);
    assert_eq!(
        std::fs::read(outside.join("secret")).unwrap(),
        b"root:x:0:0\n"
    );
}

#[test]
fn summary_counts_per_kind() {
    let p = |kind, path: &str| Problem {
        folder: "INBOX".into(),
        kind,
        path: path.into(),
        detail: "d".into(),
        repaired: None,
    };
    let all: Vec<Problem> = (0..10)
        .map(|i| p("permissions", &format!("f{i}")))
        .chain([p("stale-tmp", "t")])
        .collect();
    let s = summarize(&all, 3);
    assert_eq!(s.len(), 2);
    assert_eq!(
        (s[0].kind, s[0].count, s[0].examples.len()),
        ("permissions", 10, 3)
    );
    assert_eq!((s[1].kind, s[1].count), ("stale-tmp", 1));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Whatever names and contents a Maildir holds, one repair leaves nothing to report, no
    /// file is lost, and nothing that is not a message ends up among the messages.
    #[test]
    fn one_repair_settles_everything_and_loses_nothing(
        files in proptest::collection::vec(
            (
                proptest::bool::ANY,
                "[0-9a-z .,=_-]{1,12}",
                proptest::option::of("(:2,|:1,|:)[A-Za-z0-9]{0,4}"),
                0usize..3,
            ),
            1..12,
        )
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        crate::maildir::deliver::ensure(root).unwrap();
        let bodies: [&[u8]; 3] = [b"", b"Subject: m\n\nbody\n", b"just text, no header\n"];
        let mut messages = 0;
        for (in_new, stem, info, body) in &files {
            let name = format!("{stem}{}", info.as_deref().unwrap_or(""));
            if name == "." || name == ".." {
                continue;
            }
            let p = root.join(if *in_new { "new" } else { "cur" }).join(&name);
            if p.exists() {
                continue;
            }
            put(&p, bodies[*body]);
            if *body == 1 && !name.starts_with('.') {
                messages += 1;
            }
        }
        let before = count_files(root);
        check(root, true).unwrap();
        let again = check(root, false).unwrap();
        proptest::prop_assert!(again.is_empty(), "{:#?}", again);
        proptest::prop_assert_eq!(count_files(root), before);
        let listed = crate::maildir::folder::entries(root).len();
        proptest::prop_assert_eq!(listed, messages);
    }
}
