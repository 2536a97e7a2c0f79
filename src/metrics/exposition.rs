//! The Prometheus text exposition format, version 0.0.4: `# HELP` and `# TYPE` lines, one
//! sample per line, label values escaped (`\\`, `\"`, `\n`), histograms as cumulative
//! `_bucket{le=..}` series ending in `+Inf`, then `_sum` and `_count`.
//!
//! Not here: which metrics exist ([`super::Metrics`]), serving them over HTTP.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// The media type of what [`Writer`] produces.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// A label value with `\`, `"` and newline escaped, as the format requires.
pub fn escape_label(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// `# HELP` text escapes only `\` and newline.
fn escape_help(v: &str) -> String {
    v.replace('\\', "\\\\").replace('\n', "\\n")
}

/// Builds one exposition document.
#[derive(Default)]
pub struct Writer {
    out: String,
}

impl Writer {
    /// Starts a metric family: its help and type (`counter`, `gauge`, `histogram`).
    pub fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {}", escape_help(help));
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    /// One sample; `labels` are (name, unescaped value).
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape_label(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", number(value));
    }

    /// A histogram's samples (after its [`Writer::family`]).
    pub fn histogram(&mut self, name: &str, h: &Histogram) {
        let snap = h.snapshot();
        let mut cumulative = 0u64;
        for (bound, n) in h.bounds.iter().zip(&snap.buckets) {
            cumulative += n;
            let le = number(*bound);
            self.sample(&format!("{name}_bucket"), &[("le", &le)], cumulative as f64);
        }
        self.sample(
            &format!("{name}_bucket"),
            &[("le", "+Inf")],
            snap.count as f64,
        );
        self.sample(&format!("{name}_sum"), &[], snap.sum);
        self.sample(&format!("{name}_count"), &[], snap.count as f64);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Integers without a fraction, the rest as Rust prints them (`+Inf`/`-Inf`/`NaN` spelled
/// as the format wants).
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else if v.fract() == 0.0 && v.abs() < 9.0e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Most buckets a [`Histogram`] has (fixed, so it needs no allocation or lock).
pub const MAX_BUCKETS: usize = 16;

/// A histogram with fixed upper bounds, each bucket one atomic: observing is a search over
/// a short array and two atomic adds. The sum is kept in milli-units so it is an integer.
pub struct Histogram {
    bounds: &'static [f64],
    buckets: [AtomicU64; MAX_BUCKETS],
    count: AtomicU64,
    sum_milli: AtomicU64,
}

/// What a histogram held at one moment; `buckets` are per bucket, not cumulative.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub buckets: Vec<u64>,
    pub count: u64,
    pub sum: f64,
}

impl Histogram {
    /// `bounds` ascending, at most [`MAX_BUCKETS`] of them (more are ignored).
    pub const fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            buckets: [const { AtomicU64::new(0) }; MAX_BUCKETS],
            count: AtomicU64::new(0),
            sum_milli: AtomicU64::new(0),
        }
    }

    pub fn observe(&self, v: f64) {
        let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
        let n = self.bounds.len().min(MAX_BUCKETS);
        // Above the last bound only `count` (the +Inf bucket) moves.
        if let Some(i) = self.bounds[..n].iter().position(|b| v <= *b) {
            self.buckets[i].fetch_add(1, Relaxed);
        }
        self.sum_milli.fetch_add((v * 1000.0) as u64, Relaxed);
        self.count.fetch_add(1, Relaxed);
    }

    pub fn snapshot(&self) -> Snapshot {
        let n = self.bounds.len().min(MAX_BUCKETS);
        Snapshot {
            buckets: self.buckets[..n].iter().map(|b| b.load(Relaxed)).collect(),
            count: self.count.load(Relaxed),
            sum: self.sum_milli.load(Relaxed) as f64 / 1000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        let mut w = Writer::default();
        w.sample("m", &[("a", "x\\y\"z\nw"), ("b", "plain")], 3.0);
        assert_eq!(w.finish(), "m{a=\"x\\\\y\\\"z\\nw\",b=\"plain\"} 3\n");
    }

    #[test]
    fn help_and_type_lines() {
        let mut w = Writer::default();
        w.family("mailctl_x_total", "counter", "line\\one\ntwo");
        w.sample("mailctl_x_total", &[], 0.5);
        assert_eq!(
            w.finish(),
            "# HELP mailctl_x_total line\\\\one\\ntwo\n# TYPE mailctl_x_total counter\nmailctl_x_total 0.5\n"
        );
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_end_in_inf() {
        static H: Histogram = Histogram::new(&[1.0, 10.0, 100.0]);
        for v in [0.5, 1.0, 5.0, 50.0, 500.0, 5000.0] {
            H.observe(v);
        }
        let mut w = Writer::default();
        w.histogram("h_seconds", &H);
        assert_eq!(
            w.finish(),
            "h_seconds_bucket{le=\"1\"} 2\n\
             h_seconds_bucket{le=\"10\"} 3\n\
             h_seconds_bucket{le=\"100\"} 4\n\
             h_seconds_bucket{le=\"+Inf\"} 6\n\
             h_seconds_sum 5556.5\n\
             h_seconds_count 6\n"
        );
    }

    #[test]
    fn odd_observations_do_not_break_the_sum() {
        let h = Histogram::new(&[1.0]);
        h.observe(f64::NAN);
        h.observe(-3.0);
        h.observe(f64::INFINITY);
        let s = h.snapshot();
        assert_eq!((s.count, s.sum, s.buckets), (3, 0.0, vec![3]));
    }

    #[test]
    fn numbers() {
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(2.0), "2");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(f64::NAN), "NaN");
    }
}
