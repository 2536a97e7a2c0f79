//! Reading metrics back: a blocking `GET /metrics` of a running daemon (for `mailctl stats`)
//! and a strict parser of the text exposition format 0.0.4, the inverse of
//! [`super::exposition`].
//!
//! Not here: other formats (OpenMetrics' `# EOF`, exemplars, timestamps are refused), HTTP
//! beyond one `Connection: close` request.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// Largest scrape read; ours are a few kilobytes.
const MAX_BODY: u64 = 4 << 20;

#[derive(Debug, thiserror::Error)]
pub enum ScrapeError {
    #[error("cannot reach the metrics endpoint {0}: {1}")]
    Connect(SocketAddr, std::io::Error),
    #[error("the metrics endpoint {0} answered {1}")]
    Status(SocketAddr, String),
    #[error("line {0}: {1}")]
    Parse(usize, String),
}

/// One sample line: name, labels in their order, value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
}

impl Sample {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `GET /metrics` from `addr`, within `timeout` per step; the body.
pub fn fetch(addr: SocketAddr, timeout: Duration) -> Result<String, ScrapeError> {
    let io = |e| ScrapeError::Connect(addr, e);
    let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(io)?;
    s.set_read_timeout(Some(timeout)).map_err(io)?;
    s.set_write_timeout(Some(timeout)).map_err(io)?;
    write!(
        s,
        "GET /metrics HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(io)?;
    let mut raw = Vec::new();
    s.take(MAX_BODY).read_to_end(&mut raw).map_err(io)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.lines().next().unwrap_or("").to_string();
    if status.split(' ').nth(1) != Some("200") {
        return Err(ScrapeError::Status(addr, status));
    }
    Ok(body.to_string())
}

/// Parses an exposition document strictly: every sample belongs to a family declared by
/// `# TYPE` before it, names and label names are valid, label values properly escaped.
pub fn parse(text: &str) -> Result<Vec<Sample>, ScrapeError> {
    let mut families: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let err = |m: &str| ScrapeError::Parse(i + 1, format!("{m}: {line:?}"));
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut w = rest.split(' ');
            let (Some(name), Some(kind), None) = (w.next(), w.next(), w.next()) else {
                return Err(err("bad TYPE line"));
            };
            if !valid_name(name)
                || !["counter", "gauge", "histogram", "summary", "untyped"].contains(&kind)
            {
                return Err(err("bad TYPE line"));
            }
            families.push(name.to_string());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let s = sample(line).map_err(|m| err(&m))?;
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suf| s.name.strip_suffix(suf))
            .filter(|base| families.iter().any(|f| f == base))
            .unwrap_or(&s.name);
        if !families.iter().any(|f| f == family) {
            return Err(err("sample without a # TYPE line"));
        }
        out.push(s);
    }
    Ok(out)
}

fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_' || f == ':')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_' || x == ':')
}

fn sample(line: &str) -> Result<Sample, String> {
    let end = line
        .find(['{', ' '])
        .ok_or_else(|| "no value".to_string())?;
    let name = &line[..end];
    if !valid_name(name) {
        return Err("bad metric name".into());
    }
    let mut rest = &line[end..];
    let mut labels = Vec::new();
    if let Some(r) = rest.strip_prefix('{') {
        rest = r;
        loop {
            if let Some(r) = rest.strip_prefix('}') {
                rest = r;
                break;
            }
            let eq = rest.find("=\"").ok_or("bad label")?;
            let key = &rest[..eq];
            if !valid_name(key) || key.contains(':') {
                return Err("bad label name".into());
            }
            let (value, after) = label_value(&rest[eq + 2..])?;
            labels.push((key.to_string(), value));
            rest = after.strip_prefix(',').unwrap_or(after);
        }
    }
    let v = rest.strip_prefix(' ').ok_or("no value")?;
    let value = match v {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        v => v.parse().map_err(|_| format!("bad value {v:?}"))?,
    };
    Ok(Sample {
        name: name.into(),
        labels,
        value,
    })
}

/// An escaped label value up to its closing quote; the value and what follows the quote.
fn label_value(s: &str) -> Result<(String, &str), String> {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((out, &s[i + 1..])),
            '\\' => match chars.next() {
                Some((_, '\\')) => out.push('\\'),
                Some((_, '"')) => out.push('"'),
                Some((_, 'n')) => out.push('\n'),
                _ => return Err("bad escape in a label value".into()),
            },
            c => out.push(c),
        }
    }
    Err("unterminated label value".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::exposition::{Histogram, Writer};

    #[test]
    fn what_the_writer_writes_parses_back() {
        static H: Histogram = Histogram::new(&[1.0, 2.0]);
        H.observe(1.5);
        let mut w = Writer::default();
        w.family("a_total", "counter", "help");
        w.sample("a_total", &[("x", "q\"u\\o\nte"), ("y", "")], 2.0);
        w.family("h", "histogram", "help");
        w.histogram("h", &H);
        let s = parse(&w.finish()).unwrap();
        assert_eq!(s[0].label("x"), Some("q\"u\\o\nte"));
        assert_eq!(s[0].label("y"), Some(""));
        assert_eq!(s[0].value, 2.0);
        let inf = s.iter().find(|s| s.label("le") == Some("+Inf")).unwrap();
        assert_eq!(inf.value, 1.0);
        assert_eq!(s.last().unwrap().name, "h_count");
    }

    #[test]
    fn malformed_documents_are_refused() {
        for bad in [
            "a 1\n",
            "# TYPE a counter\na{x=\"1} 1\n",
            "# TYPE a counter\na{x=\"\\q\"} 1\n",
            "# TYPE a counter\na{1x=\"1\"} 1\n",
            "# TYPE a counter\na one\n",
            "# TYPE a counter\na\n",
            "# TYPE 9a counter\n",
            "# TYPE a thing\n",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
