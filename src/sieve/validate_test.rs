//! The tests' arguments (RFC 5228 §5 and the extensions' tests): comparators, match types,
//! address parts, `:index`, date zones, body transforms; and editheader's commands, which
//! share the match arguments.
//!
//! Not here: the commands (validate.rs).

use super::CompileError;
use super::parser::Node;
use super::program::{
    AddrPart, BodyTransform, Cmd, Comparator, DupId, Index, Match, MatchKind, Rel, Test, Zone,
};
use super::validate::{Caps, Compiler, Tags, err};

const DATE_PARTS: &[&str] = &[
    "year", "month", "day", "date", "julian", "hour", "minute", "second", "time", "iso8601",
    "std11", "zone", "weekday",
];

impl Compiler<'_> {
    // Long on purpose: one arm per Sieve test (RFC 5228 §5 and each extension's), a table
    // read top to bottom.
    pub(crate) fn test(&mut self, n: &Node, caps: &Caps) -> Result<Test, CompileError> {
        let mut t = Tags::split(n)?;
        let need_no_tests = !matches!(n.name.as_str(), "not" | "allof" | "anyof");
        if need_no_tests && !n.tests.is_empty() {
            return Err(err(n.pos, format!("{} does not take tests", n.name)));
        }
        let test = match n.name.as_str() {
            "true" => Test::True,
            "false" => Test::False,
            "not" => {
                if n.tests.len() != 1 {
                    return Err(err(n.pos, "not needs exactly one test"));
                }
                Test::Not(Box::new(self.test(&n.tests[0], caps)?))
            }
            "allof" | "anyof" => {
                if n.tests.is_empty() {
                    return Err(err(n.pos, format!("{} needs a test list", n.name)));
                }
                let v = n
                    .tests
                    .iter()
                    .map(|x| self.test(x, caps))
                    .collect::<Result<Vec<_>, _>>()?;
                if n.name == "allof" {
                    Test::AllOf(v)
                } else {
                    Test::AnyOf(v)
                }
            }
            "exists" => Test::Exists(t.pos_list(0)?),
            "size" => {
                let over = match (t.flag("over"), t.flag("under")) {
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    _ => return Err(err(n.pos, "size needs exactly one of :over and :under")),
                };
                t.finish(1)?;
                match t.rest[0] {
                    super::parser::Arg::Num(limit, _) => Test::Size { over, limit },
                    _ => return Err(err(n.pos, "size needs a number")),
                }
            }
            "header" => {
                let m = self.match_args(&mut t, caps)?;
                let index = index_arg(&mut t, caps)?;
                Test::Header {
                    m,
                    names: t.pos_list(0)?,
                    keys: t.pos_list(1)?,
                    index,
                }
            }
            "address" => {
                let m = self.match_args(&mut t, caps)?;
                let part = addr_part(&mut t, caps)?;
                let index = index_arg(&mut t, caps)?;
                Test::Address {
                    m,
                    part,
                    names: t.pos_list(0)?,
                    keys: t.pos_list(1)?,
                    index,
                }
            }
            "envelope" => {
                caps.need("envelope", n.pos, "envelope")?;
                let m = self.match_args(&mut t, caps)?;
                let part = addr_part(&mut t, caps)?;
                let names = t.pos_list(0)?;
                for p in &names {
                    if !["from", "to", "auth"].contains(&p.to_ascii_lowercase().as_str()) {
                        return Err(err(n.pos, format!("envelope: unknown envelope part '{p}'")));
                    }
                }
                Test::Envelope {
                    m,
                    part,
                    names,
                    keys: t.pos_list(1)?,
                }
            }
            "body" => {
                caps.need("body", n.pos, "body")?;
                let m = self.match_args(&mut t, caps)?;
                let raw = t.flag("raw");
                let text = t.flag("text");
                let content = t.list("content")?;
                let transform = match (raw, text, content) {
                    (Some(_), None, None) => BodyTransform::Raw,
                    (None, _, None) => BodyTransform::Text,
                    (None, None, Some(c)) => BodyTransform::Content(c),
                    _ => return Err(err(n.pos, "body: only one transform")),
                };
                Test::Body {
                    m,
                    transform,
                    keys: t.pos_list(0)?,
                }
            }
            "date" | "currentdate" => self.date(&mut t, caps)?,
            "hasflag" => {
                caps.need("imap4flags", n.pos, "hasflag")?;
                let m = self.match_args(&mut t, caps)?;
                let (vars, keys) = if t.rest.len() == 2 {
                    caps.need("variables", n.pos, "hasflag with variables")?;
                    (t.pos_list(0)?, t.pos_list(1)?)
                } else {
                    (Vec::new(), t.pos_list(0)?)
                };
                Test::HasFlag { m, vars, keys }
            }
            "string" => {
                caps.need("variables", n.pos, "string")?;
                let m = self.match_args(&mut t, caps)?;
                Test::Str {
                    m,
                    sources: t.pos_list(0)?,
                    keys: t.pos_list(1)?,
                }
            }
            "mailboxexists" => {
                caps.need("mailbox", n.pos, "mailboxexists")?;
                self.mailbox_test = true;
                Test::MailboxExists(t.pos_list(0)?)
            }
            "duplicate" => self.duplicate(&mut t, caps)?,
            "environment" => {
                caps.need("environment", n.pos, "environment")?;
                let m = self.match_args(&mut t, caps)?;
                Test::Environment {
                    m,
                    name: t.pos_string(0)?,
                    keys: t.pos_list(1)?,
                }
            }
            "spamtest" | "virustest" => {
                caps.need(&n.name, n.pos, &n.name)?;
                let percent = match t.flag("percent") {
                    Some(p) => caps.need("spamtestplus", p, ":percent").map(|_| true)?,
                    None => false,
                };
                let mut m = self.match_args(&mut t, caps)?;
                if t.tags_pos("comparator").is_none() && m.cmp == Comparator::AsciiCasemap {
                    m.cmp = Comparator::AsciiNumeric;
                }
                Test::Spam {
                    m,
                    percent,
                    virus: n.name == "virustest",
                    keys: t.pos_list(0)?,
                }
            }
            _ => return Err(err(n.pos, format!("unknown test '{}'", n.name))),
        };
        let positional = match &test {
            Test::Header { .. } | Test::Address { .. } | Test::Envelope { .. } => 2,
            Test::Str { .. } | Test::Environment { .. } => 2,
            Test::Date {
                header: Some(_), ..
            } => 3,
            Test::Date { header: None, .. } => 2,
            Test::HasFlag { vars, .. } => 1 + usize::from(!vars.is_empty()),
            Test::Body { .. } | Test::Exists(_) | Test::MailboxExists(_) | Test::Spam { .. } => 1,
            Test::Size { .. } => 1,
            _ => 0,
        };
        t.finish(positional)?;
        self.check_regex(&test, caps, n)?;
        Ok(test)
    }

    fn match_args(&self, t: &mut Tags, caps: &Caps) -> Result<Match, CompileError> {
        let cmp = match t.string("comparator")? {
            None => Comparator::AsciiCasemap,
            Some(c) => match c.as_str() {
                "i;octet" => Comparator::Octet,
                "i;ascii-casemap" => Comparator::AsciiCasemap,
                "i;ascii-numeric" => {
                    caps.need("comparator-i;ascii-numeric", t.pos, "i;ascii-numeric")?;
                    Comparator::AsciiNumeric
                }
                other => return Err(err(t.pos, format!("unknown comparator '{other}'"))),
            },
        };
        let mut kinds = Vec::new();
        for (name, k) in [
            ("is", MatchKind::Is),
            ("contains", MatchKind::Contains),
            ("matches", MatchKind::Matches),
            ("regex", MatchKind::Regex),
        ] {
            if let Some(p) = t.flag(name) {
                if k == MatchKind::Regex {
                    caps.need("regex", p, ":regex")?;
                }
                kinds.push(k);
            }
        }
        for name in ["count", "value"] {
            if let Some(p) = t.tags_pos(name).map(|(_, p)| p) {
                caps.need("relational", p, &format!(":{name}"))?;
                let rel = t.string(name)?.unwrap_or_default();
                let rel = match rel.to_ascii_lowercase().as_str() {
                    "gt" => Rel::Gt,
                    "ge" => Rel::Ge,
                    "lt" => Rel::Lt,
                    "le" => Rel::Le,
                    "eq" => Rel::Eq,
                    "ne" => Rel::Ne,
                    _ => return Err(err(p, format!("invalid relational match '{rel}'"))),
                };
                kinds.push(if name == "count" {
                    MatchKind::Count(rel)
                } else {
                    MatchKind::Value(rel)
                });
            }
        }
        if kinds.len() > 1 {
            return Err(err(t.pos, "only one match type may be given"));
        }
        let kind = kinds.pop().unwrap_or(MatchKind::Is);
        if cmp == Comparator::AsciiNumeric
            && matches!(
                kind,
                MatchKind::Contains | MatchKind::Matches | MatchKind::Regex
            )
        {
            return Err(err(
                t.pos,
                "comparator i;ascii-numeric does not support substring matching",
            ));
        }
        Ok(Match { cmp, kind })
    }

    fn date(&self, t: &mut Tags, caps: &Caps) -> Result<Test, CompileError> {
        caps.need("date", t.pos, &t.name)?;
        let m = self.match_args(t, caps)?;
        let zone = match (t.string("zone")?, t.flag("originalzone")) {
            (Some(_), Some(p)) => return Err(err(p, "date: :zone and :originalzone together")),
            (Some(z), None) => {
                if super::date::parse_zone(&z).is_none() {
                    return Err(err(t.pos, format!("date: invalid zone '{z}'")));
                }
                Zone::Fixed(z)
            }
            (None, Some(p)) if t.name == "currentdate" => {
                return Err(err(p, "currentdate does not take :originalzone"));
            }
            (None, Some(_)) => Zone::Original,
            (None, None) => Zone::Local,
        };
        let (index, header, at) = if t.name == "date" {
            (index_arg(t, caps)?, Some(t.pos_string(0)?), 1)
        } else {
            (None, None, 0)
        };
        let part = t.pos_string(at)?.to_ascii_lowercase();
        if !DATE_PARTS.contains(&part.as_str()) {
            return Err(err(
                t.pos,
                format!("{}: unknown date part '{part}'", t.name),
            ));
        }
        Ok(Test::Date {
            m,
            zone,
            header,
            part,
            keys: t.pos_list(at + 1)?,
            index,
        })
    }

    fn duplicate(&self, t: &mut Tags, caps: &Caps) -> Result<Test, CompileError> {
        caps.need("duplicate", t.pos, "duplicate")?;
        let id = match (t.string("header")?, t.string("uniqueid")?) {
            (Some(_), Some(_)) => {
                return Err(err(t.pos, "duplicate: :header and :uniqueid together"));
            }
            (Some(h), None) => DupId::Header(h),
            (None, Some(u)) => DupId::Unique(u),
            (None, None) => DupId::MessageId,
        };
        // :last changes which occurrence the tracker refreshes; the tracker decides that.
        let _ = t.flag("last");
        Ok(Test::Duplicate {
            handle: t.string("handle")?,
            id,
            seconds: t.number("seconds")?.unwrap_or(7 * 86400),
        })
    }

    pub(crate) fn editheader(&self, t: &mut Tags, caps: &Caps) -> Result<Cmd, CompileError> {
        caps.need("editheader", t.pos, &t.name)?;
        if t.name == "addheader" {
            let last = t.flag("last").is_some();
            t.finish(2)?;
            let name = t.pos_string(0)?;
            if !name.contains("${") && !valid_field_name(&name) {
                return Err(err(
                    t.pos,
                    format!("addheader: invalid header name '{name}'"),
                ));
            }
            return Ok(Cmd::AddHeader {
                name,
                value: t.pos_string(1)?,
                last,
            });
        }
        let m = self.match_args(t, caps)?;
        let index = t.number("index")?.map(|n| Index {
            n,
            last: t.flag("last").is_some(),
        });
        let n = t.rest.len().clamp(1, 2);
        t.finish(n)?;
        let name = t.pos_string(0)?;
        if !name.contains("${") && !valid_field_name(&name) {
            return Err(err(
                t.pos,
                format!("deleteheader: invalid header name '{name}'"),
            ));
        }
        let patterns = if n == 2 { Some(t.pos_list(1)?) } else { None };
        Ok(Cmd::DeleteHeader {
            m,
            index,
            name,
            patterns,
        })
    }
}

fn addr_part(t: &mut Tags, caps: &Caps) -> Result<AddrPart, CompileError> {
    let mut parts = Vec::new();
    for (name, p) in [
        ("all", AddrPart::All),
        ("localpart", AddrPart::Local),
        ("domain", AddrPart::Domain),
        ("user", AddrPart::User),
        ("detail", AddrPart::Detail),
    ] {
        if let Some(pos) = t.flag(name) {
            if matches!(p, AddrPart::User | AddrPart::Detail) {
                caps.need("subaddress", pos, &format!(":{name}"))?;
            }
            parts.push(p);
        }
    }
    if parts.len() > 1 {
        return Err(err(t.pos, "only one address part may be given"));
    }
    Ok(parts.pop().unwrap_or(AddrPart::All))
}

fn index_arg(t: &mut Tags, caps: &Caps) -> Result<Option<Index>, CompileError> {
    if let Some((_, p)) = t.tags_pos("index") {
        caps.need("index", p, ":index")?;
        let n = t.number("index")?.unwrap_or(0);
        if n == 0 {
            return Err(err(p, ":index must be at least 1"));
        }
        return Ok(Some(Index {
            n,
            last: t.flag("last").is_some(),
        }));
    }
    if let Some(p) = t.flag("last") {
        return Err(err(p, ":last needs :index"));
    }
    Ok(None)
}

/// RFC 5322 §3.6.8: printable US-ASCII except ':'.
pub(crate) fn valid_field_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

impl Compiler<'_> {
    /// A constant `:regex` key is compiled now, once, and kept in the program for every run;
    /// a broken pattern is a compile error with a location (as in Pigeonhole) rather than a
    /// test that silently never matches.
    fn check_regex(&mut self, test: &Test, caps: &Caps, n: &Node) -> Result<(), CompileError> {
        let (m, keys) = match test {
            Test::Header { m, keys, .. }
            | Test::Address { m, keys, .. }
            | Test::Envelope { m, keys, .. }
            | Test::Body { m, keys, .. }
            | Test::Str { m, keys, .. }
            | Test::Environment { m, keys, .. }
            | Test::Date { m, keys, .. }
            | Test::HasFlag { m, keys, .. } => (m, keys),
            _ => return Ok(()),
        };
        if m.kind != MatchKind::Regex {
            return Ok(());
        }
        for k in keys {
            if caps.has("variables") && k.contains("${") {
                continue;
            }
            if let Err(e) = super::matching::build_regex(m.cmp, k) {
                let why = e
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid")
                    .trim()
                    .to_string();
                return Err(err(
                    n.pos,
                    format!("invalid regular expression '{k}': {why}"),
                ));
            }
        }
        Ok(())
    }
}
