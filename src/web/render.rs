//! Mail content made safe to show: headers decoded (RFC 2047 encoded words, by
//! mail-parser), HTML bodies through the ammonia sanitiser with remote images held back
//! until the reader asks, attachments with a cleaned file name and a content type the
//! browser will not run. Nothing a message contains reaches a page except through
//! [`sanitize_html`] or the templates' escaping (`pages`).
//!
//! The sanitiser allows only http, https and mailto URLs, no relative ones (so no
//! `//host` images and no links into this server), no `style` attributes or `<style>`
//! (CSS `expression()`/`url()`), no event handlers, `<script>`, `<svg>`, `<meta>`, forms or
//! frames; links get `rel="noopener noreferrer"` and `target="_blank"`. The page's
//! Content-Security-Policy (`web::headers`) is the second wall.
//!
//! Not here: reading mail (`store`), inline `cid:` images (not yet: dropped).

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use mail_parser::{Address, Message, MessageParser, MimeHeaders};

/// Content types an attachment keeps when downloaded; everything else is
/// `application/octet-stream`. No SVG: it is a document that can carry script.
const SAFE_IMAGES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];

/// Longest attachment file name offered (in characters).
const MAX_FILENAME: usize = 120;

/// A message as its page shows it.
#[derive(Debug, Default)]
pub struct View {
    pub from: String,
    pub to: String,
    pub cc: String,
    pub date: String,
    pub subject: String,
    /// The plain text part, when there is no HTML one.
    pub text: Option<String>,
    /// The HTML part, sanitised.
    pub html: Option<String>,
    /// Remote images held back (0 when `show_images` was asked for).
    pub blocked_images: usize,
    /// Remote images in the HTML (shown or not).
    pub remote_images: usize,
    pub attachments: Vec<Attachment>,
}

#[derive(Debug)]
pub struct Attachment {
    /// Position among the message's attachments: the download URL's number.
    pub index: u32,
    pub name: String,
    pub size: usize,
}

/// A download: cleaned file name, the content type to send, the bytes.
pub struct Download {
    pub filename: String,
    pub content_type: &'static str,
    pub data: Vec<u8>,
}

fn addresses(a: Option<&Address<'_>>) -> String {
    let Some(a) = a else {
        return String::new();
    };
    a.iter()
        .map(|x| match (x.name(), x.address()) {
            (Some(n), Some(e)) => format!("{n} <{e}>"),
            (Some(n), None) => n.to_string(),
            (None, Some(e)) => e.to_string(),
            (None, None) => String::new(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn date_of(msg: &Message<'_>, internal_date: i64) -> String {
    match msg.date() {
        Some(d) => d.to_rfc822(),
        None => chrono::DateTime::from_timestamp(internal_date, 0)
            .map(|d| d.to_rfc2822())
            .unwrap_or_default(),
    }
}

/// From (the display name, else the address), Subject and Date of a header block, for a
/// message list.
pub fn summary(header: &[u8], internal_date: i64) -> (String, String, String) {
    let Some(msg) = MessageParser::default().parse_headers(header) else {
        return (String::new(), String::new(), date_of_ts(internal_date));
    };
    let from = msg
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.name().or(a.address()))
        .unwrap_or_default()
        .to_string();
    let subject = msg.subject().unwrap_or_default().to_string();
    (
        clean_line(&from),
        clean_line(&subject),
        date_of(&msg, internal_date),
    )
}

fn date_of_ts(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.to_rfc2822())
        .unwrap_or_default()
}

/// A header value for display on one line: control characters and the bidi/format
/// characters that could make text look like something else are removed.
pub fn clean_line(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() && !is_format_char(*c))
        .collect()
}

fn is_format_char(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A message for its page; `show_images` lets remote images through the sanitiser.
pub fn view(raw: &[u8], internal_date: i64, show_images: bool) -> View {
    let Some(msg) = MessageParser::default().parse(raw) else {
        return View {
            text: Some(String::from_utf8_lossy(raw).into_owned()),
            ..View::default()
        };
    };
    let mut v = View {
        from: clean_line(&addresses(msg.from())),
        to: clean_line(&addresses(msg.to())),
        cc: clean_line(&addresses(msg.cc())),
        date: date_of(&msg, internal_date),
        subject: clean_line(msg.subject().unwrap_or_default()),
        ..View::default()
    };
    match msg.html_part(0).filter(|p| p.is_text_html()) {
        Some(part) => {
            let html = part.text_contents().unwrap_or_default();
            let s = sanitize_html(html, show_images);
            v.html = Some(s.html);
            v.remote_images = s.remote_images;
            v.blocked_images = if show_images { 0 } else { s.remote_images };
        }
        None => v.text = msg.body_text(0).map(Cow::into_owned),
    }
    v.attachments = msg
        .attachments()
        .enumerate()
        .map(|(i, p)| Attachment {
            index: i as u32,
            name: filename(p.attachment_name(), i),
            size: p.len(),
        })
        .collect();
    v
}

/// Attachment `index` of a message, ready to download.
pub fn attachment(raw: &[u8], index: u32) -> Option<Download> {
    let msg = MessageParser::default().parse(raw)?;
    let part = msg.attachment(index)?;
    let ctype = part
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or_default()).to_ascii_lowercase())
        .unwrap_or_default();
    let content_type = SAFE_IMAGES
        .iter()
        .find(|s| **s == ctype)
        .copied()
        .unwrap_or("application/octet-stream");
    Some(Download {
        filename: filename(part.attachment_name(), index as usize),
        content_type,
        data: part.contents().to_vec(),
    })
}

/// A file name safe to offer: no directories, controls, bidi tricks or leading dots, not
/// empty, not too long.
pub fn filename(given: Option<&str>, index: usize) -> String {
    let base = given.unwrap_or_default();
    let base = base.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = clean_line(base)
        .chars()
        .filter(|c| !matches!(c, '"' | ':' | '*' | '?' | '<' | '>' | '|'))
        .take(MAX_FILENAME)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_string();
    if cleaned.is_empty() {
        format!("attachment-{}", index + 1)
    } else {
        cleaned
    }
}

/// `Content-Disposition: attachment` with an ASCII `filename` and the exact `filename*`
/// (RFC 6266 §4.3, RFC 8187 encoding).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut enc = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{enc}")
}

/// Sanitised HTML and how many remote images it had.
pub struct Sanitized {
    pub html: String,
    pub remote_images: usize,
}

/// Runs `html` through ammonia (see the module doc for the policy).
pub fn sanitize_html(html: &str, show_images: bool) -> Sanitized {
    let remote = Arc::new(AtomicUsize::new(0));
    let counter = remote.clone();
    let mut b = ammonia::Builder::default();
    b.url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer"))
        .set_tag_attribute_value("a", "target", "_blank")
        .strip_comments(true)
        .id_prefix(Some("mail-"))
        .attribute_filter(move |tag, attr, value| {
            if tag == "img" && attr == "src" {
                let v = value.trim_start().to_ascii_lowercase();
                if !(v.starts_with("http://") || v.starts_with("https://")) {
                    return None;
                }
                counter.fetch_add(1, Ordering::Relaxed);
                return show_images.then_some(Cow::Borrowed(value));
            }
            Some(Cow::Borrowed(value))
        });
    let html = b.clean(html).to_string();
    Sanitized {
        html,
        remote_images: remote.load(Ordering::Relaxed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &[&str] = &[
        "<script>window.__pwned=1</script>",
        "<img src=x onerror=\"window.__pwned=1\">",
        "<a href=\"javascript:window.__pwned=1\">x</a>",
        "<a href=\"data:text/html,<script>window.__pwned=1</script>\">x</a>",
        "<svg onload=\"window.__pwned=1\"><circle/></svg>",
        "<div style=\"width: expression(window.__pwned=1)\">x</div>",
        "<style>body{background:url(http://127.0.0.1:9/css)}</style>",
        "<meta http-equiv=\"refresh\" content=\"0;url=http://127.0.0.1:9/\">",
        "<iframe src=\"http://127.0.0.1:9/\"></iframe>",
        "<form action=\"http://127.0.0.1:9/\"><input name=a></form>",
        "<img src=\"//127.0.0.1:9/pixel\">",
        "<a href=\"/logout\">relative</a>",
        "<<script>script>alert(1)<</script>/script>",
        "<img src=\"jav&#x09;ascript:alert(1)\">",
        "<object data=\"http://127.0.0.1:9/\"></object><embed src=\"http://127.0.0.1:9/\">",
        "<base href=\"http://127.0.0.1:9/\"><link rel=stylesheet href=\"http://127.0.0.1:9/\">",
    ];

    #[test]
    fn hostile_html_loses_every_active_part() {
        for h in HOSTILE {
            let out = sanitize_html(h, true).html.to_ascii_lowercase();
            for bad in [
                "<script",
                "onerror",
                "onload",
                "javascript:",
                "data:",
                "expression(",
                "<style",
                "<meta",
                "<iframe",
                "<form",
                "<svg",
                "//127.0.0.1:9/pixel",
                "href=\"/logout",
                "<object",
                "<embed",
                "<base",
                "<link",
                "style=",
            ] {
                assert!(!out.contains(bad), "{h} gave {out}");
            }
        }
    }

    #[test]
    fn remote_images_wait_and_links_open_apart() {
        let h = "<p><img src=\"http://127.0.0.1:9/a.png\" alt=a><a href=\"https://example.org/\">l</a></p>";
        let blocked = sanitize_html(h, false);
        assert_eq!(blocked.remote_images, 1);
        assert!(!blocked.html.contains("127.0.0.1"), "{}", blocked.html);
        assert!(blocked.html.contains("rel=\"noopener noreferrer\""));
        assert!(blocked.html.contains("target=\"_blank\""));
        let shown = sanitize_html(h, true);
        assert!(shown.html.contains("src=\"http://127.0.0.1:9/a.png\""));
    }

    #[test]
    fn filenames_are_cleaned_and_encoded() {
        assert_eq!(filename(Some("../../etc/passwd"), 0), "passwd");
        assert_eq!(filename(Some("a\u{202E}gpj.exe"), 0), "agpj.exe");
        assert_eq!(filename(Some("..."), 2), "attachment-3");
        assert_eq!(filename(Some("x\r\ny\".txt"), 0), "xy.txt");
        assert_eq!(filename(None, 0), "attachment-1");
        let cd = content_disposition("résumé 1.pdf");
        assert_eq!(
            cd,
            "attachment; filename=\"r_sum_ 1.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.pdf"
        );
    }

    #[test]
    fn encoded_words_are_decoded_and_stripped_of_controls() {
        let raw = b"From: =?utf-8?b?PHNjcmlwdD4=?= <a@x.test>\r\nSubject: =?utf-8?q?hi=0D=0Athere=E2=80=AE?=\r\n\r\nbody\r\n";
        let v = view(raw, 0, false);
        assert_eq!(v.from, "<script> <a@x.test>");
        assert_eq!(v.subject, "hithere");
        assert_eq!(v.text.as_deref(), Some("body\r\n"));
    }

    proptest::proptest! {
        /// Whatever a message names its attachment, the offered name is a plain file name
        /// and the header is one valid line.
        #[test]
        fn any_filename_gives_a_safe_header(name in "\\PC{0,200}|[\\x00-\\x7f]{0,80}") {
            let f = filename(Some(&name), 0);
            proptest::prop_assert!(!f.is_empty() && f.chars().count() <= MAX_FILENAME);
            proptest::prop_assert!(!f.contains(['/', '\\', '"']) && !f.starts_with('.'));
            proptest::prop_assert!(f.chars().all(|c| !c.is_control() && !is_format_char(c)));
            let cd = content_disposition(&f);
            proptest::prop_assert!(axum::http::HeaderValue::from_str(&cd).is_ok(), "{}", cd);
            proptest::prop_assert!(cd.is_ascii());
        }

        /// Nothing survives sanitising that could start a script or load from elsewhere.
        #[test]
        fn sanitised_html_has_no_active_parts(body in "(<(script|img|a|svg|style|iframe|meta|p|div)( (src|href|onerror|style)=\"?(javascript:|data:|//x|http://x/)?[a-z():;]{0,8}\"?)?>|[a-z ]{0,5}|</(script|a|p|svg)>){0,12}") {
            let out = sanitize_html(&body, false).html.to_ascii_lowercase();
            // Text is escaped (`&lt;`), so every `<` left opens a real tag: check the tags.
            for tag in out.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
                for bad in ["script", "onerror", "javascript:", "data:", "svg", "style", "iframe", "meta"] {
                    proptest::prop_assert!(!tag.contains(bad), "{} gave {}", body, out);
                }
                // A link may lead elsewhere (it opens only when clicked); nothing else may
                // name a remote address, which would load without asking.
                if !tag.starts_with("a ") {
                    proptest::prop_assert!(!tag.contains("//x"), "{} gave {}", body, out);
                }
            }
        }
    }
}
