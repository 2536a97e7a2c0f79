//! Editheader (RFC 5293) applied to the message itself: the header block a script's
//! [`HeaderEdit`]s produce, for delivery to write in front of the untouched body, and the
//! same edits replayed on a [`Message`] so the next script of a sequence sees them.
//!
//! The raw header block is split exactly as [`Message`] splits it (same fields, same order),
//! so the occurrence numbers a run recorded for `deleteheader` name the same fields here.
//! Fields are kept byte for byte (folding included); only added fields are new text. The
//! trace fields stay out of reach (RFC 5293 §6, Pigeonhole): `Received` and
//! `Auto-Submitted` are never added nor deleted, whatever the edit list says.
//!
//! Not here: deciding the edits (run_test.rs), writing the file (`smtp::delivery`).

use std::borrow::Cow;

use super::{HeaderEdit, Message};

/// Header fields a script may neither add nor delete.
pub fn protected(name: &str) -> bool {
    name.eq_ignore_ascii_case("received") || name.eq_ignore_ascii_case("auto-submitted")
}

/// One field of the raw header block: its name (None for stray continuation lines before the
/// first field) and its bytes, line ends included.
struct Field<'a> {
    name: Option<Cow<'a, [u8]>>,
    raw: Cow<'a, [u8]>,
}

/// Splits `raw` as `message::split_headers` does: the fields, and where the rest (the blank
/// line and the body, or the first line that is not a field) starts.
fn fields(raw: &[u8]) -> (Vec<Field<'_>>, usize) {
    let mut out: Vec<Field> = Vec::new();
    let mut pos = 0;
    while pos < raw.len() {
        let end = raw[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| pos + i + 1);
        let line = &raw[pos..end];
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            break;
        }
        if text[0] == b' ' || text[0] == b'\t' {
            match out.last_mut() {
                Some(f) => f.raw.to_mut().extend_from_slice(line),
                None => out.push(Field {
                    name: None,
                    raw: line.into(),
                }),
            }
            pos = end;
            continue;
        }
        match text.iter().position(|&b| b == b':') {
            Some(i) if i > 0 && !text[..i].contains(&b' ') => out.push(Field {
                name: Some(text[..i].into()),
                raw: line.into(),
            }),
            _ => break,
        }
        pos = end;
    }
    (out, pos)
}

/// `Name: value` with a line end, ready to write. RFC 5293 §4: a value with characters
/// beyond ASCII goes as an RFC 2047 encoded word; line breaks in the value become folds so
/// a script can never end the header block or start a field of its own.
fn new_field(name: &str, value: &str) -> Vec<u8> {
    let value = value.trim_end_matches([' ', '\t', '\r', '\n']);
    let value = if value.is_ascii() {
        let mut v = String::with_capacity(value.len());
        for (i, line) in value
            .split(['\r', '\n'])
            .filter(|l| !l.trim().is_empty())
            .enumerate()
        {
            if i > 0 {
                v.push_str("\r\n\t");
            }
            v.push_str(line.trim_start_matches([' ', '\t']));
        }
        v
    } else {
        use base64::Engine;
        let flat: String = value
            .chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
            .collect();
        format!(
            "=?UTF-8?B?{}?=",
            base64::engine::general_purpose::STANDARD.encode(flat.as_bytes())
        )
    };
    format!("{name}: {value}\r\n").into_bytes()
}

fn name_is(f: &Field, name: &str) -> bool {
    f.name
        .as_ref()
        .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
}

/// The header block of `raw` after `edits`, and the offset in `raw` where the rest (blank
/// line and body) starts: write the block, then `raw[offset..]`, and the body is never
/// copied. With no edits the block is the original one.
pub fn header_block(raw: &[u8], edits: &[HeaderEdit]) -> (Vec<u8>, usize) {
    let (mut list, rest) = fields(raw);
    for e in edits {
        match e {
            HeaderEdit::Add { name, value, last } => {
                if protected(name) || !super::validate_test::valid_field_name(name) {
                    continue;
                }
                let f = Field {
                    name: Some(name.as_bytes().to_vec().into()),
                    raw: new_field(name, value).into(),
                };
                if *last {
                    list.push(f)
                } else {
                    list.insert(0, f)
                }
            }
            HeaderEdit::Delete { name, occurrences } => {
                if protected(name) {
                    continue;
                }
                let mut seen = 0;
                list.retain(|f| {
                    if !name_is(f, name) {
                        return true;
                    }
                    seen += 1;
                    !occurrences.contains(&(seen - 1))
                });
            }
        }
    }
    let mut out = Vec::with_capacity(rest + 64);
    for (i, f) in list.iter().enumerate() {
        out.extend_from_slice(&f.raw);
        // Only the original's last line can lack its end (a message that is all header).
        if i + 1 < list.len() && !f.raw.ends_with(b"\n") {
            out.extend_from_slice(b"\r\n");
        }
    }
    (out, rest)
}

impl Message<'_> {
    /// Replays a run's edits on the header view, as the run itself saw them, so the next
    /// script in a sequence (Pigeonhole's `sieve_before`/`sieve_after`) sees the edited
    /// message. The body and its parse are unchanged: editheader never touches them.
    pub fn apply_edits(&mut self, edits: &[HeaderEdit]) {
        for e in edits {
            match e {
                HeaderEdit::Add { name, value, last } => {
                    if protected(name) {
                        continue;
                    }
                    let f = (name.clone(), format!(" {value}"));
                    if *last {
                        self.headers.push(f)
                    } else {
                        self.headers.insert(0, f)
                    }
                }
                HeaderEdit::Delete { name, occurrences } => {
                    if protected(name) {
                        continue;
                    }
                    let mut seen = 0;
                    self.headers.retain(|(n, _)| {
                        if !n.eq_ignore_ascii_case(name) {
                            return true;
                        }
                        seen += 1;
                        !occurrences.contains(&(seen - 1))
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn add(name: &str, value: &str, last: bool) -> HeaderEdit {
        HeaderEdit::Add {
            name: name.into(),
            value: value.into(),
            last,
        }
    }

    fn edited(raw: &[u8], edits: &[HeaderEdit]) -> Vec<u8> {
        let (mut head, rest) = header_block(raw, edits);
        head.extend_from_slice(&raw[rest..]);
        head
    }

    #[test]
    fn adds_on_top_or_last_and_deletes_the_named_occurrences() {
        let raw = b"Received: a\r\nX-T: 1\r\nSubject: s\r\n  folded\r\nX-T: 2\r\n\r\nbody\r\n";
        let out = edited(
            raw,
            &[
                add("X-Top", "t", false),
                add("X-End", "e", true),
                HeaderEdit::Delete {
                    name: "x-t".into(),
                    occurrences: vec![1],
                },
            ],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "X-Top: t\r\nReceived: a\r\nX-T: 1\r\nSubject: s\r\n  folded\r\nX-End: e\r\n\r\nbody\r\n"
        );
    }

    #[test]
    fn trace_fields_are_never_added_nor_deleted() {
        let raw = b"Received: a\r\nAuto-Submitted: no\r\n\r\nb";
        let out = edited(
            raw,
            &[
                add("Received", "forged", false),
                add("auto-submitted", "auto-replied", true),
                HeaderEdit::Delete {
                    name: "Received".into(),
                    occurrences: vec![0],
                },
                HeaderEdit::Delete {
                    name: "AUTO-SUBMITTED".into(),
                    occurrences: vec![0],
                },
            ],
        );
        assert_eq!(out, raw);
    }

    #[test]
    fn values_cannot_break_out_of_their_field() {
        let out = edited(
            b"A: 1\n\nbody\n",
            &[add("X-A", "one\r\n\r\nInjected: yes\n", false)],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "X-A: one\r\n\tInjected: yes\r\nA: 1\n\nbody\n"
        );
        let out = edited(b"A: 1\n\nb", &[add("X-U", "Grüße", true)]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "A: 1\nX-U: =?UTF-8?B?R3LDvMOfZQ==?=\r\n\nb"
        );
    }

    #[test]
    fn no_header_block_and_stray_lines_keep_every_byte() {
        for raw in [
            &b""[..],
            b"\r\nbody",
            b" stray\r\nA: 1\r\n\r\nb",
            b"not a field\r\nA: 1",
        ] {
            assert_eq!(edited(raw, &[]), raw);
        }
    }

    proptest! {
        /// Whatever the message and the edits, the body after the header block is the
        /// original bytes, the result parses with the same number of header fields the
        /// edits imply, and nothing panics.
        #[test]
        fn body_is_untouched_and_view_agrees(
            raw in proptest::collection::vec(any::<u8>(), 0..300),
            value in ".{0,40}",
            last in any::<bool>(),
            occ in proptest::collection::vec(0usize..4, 0..3),
        ) {
            let edits = [
                add("X-P", &value, last),
                HeaderEdit::Delete { name: "x-p".into(), occurrences: occ },
            ];
            let (head, rest) = header_block(&raw, &edits);
            prop_assert!(rest <= raw.len());
            let mut m = Message::new(&raw);
            m.apply_edits(&edits);
            let mut out = head.clone();
            out.extend_from_slice(&raw[rest..]);
            let again = super::super::message::split_headers(&out);
            prop_assert_eq!(again.len(), m.headers.len());
        }
    }
}
