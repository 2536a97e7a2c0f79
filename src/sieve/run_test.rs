//! Evaluating tests during a run (RFC 5228 §5 and the extensions' tests), plus the two
//! actions that read the message: vacation's parameters and editheader's edits.
//!
//! Not here: the command loop and the action list (run.rs).

use super::RuntimeError;
use super::matching;
use super::message::{address_part, addresses, decode_value};
use super::program::{
    AddrPart, BodyTransform, Cmd, DupId, Index, Match, MatchKind, Test, VacationSpec, Zone,
};
use super::run::{Action, HeaderEdit, Run, Vacation, flag_set};

impl Run<'_, '_, '_> {
    // Long on purpose: one arm per Sieve test (RFC 5228 §5 and each extension's), a table
    // read top to bottom.
    pub(crate) fn test(&mut self, t: &Test) -> Result<bool, RuntimeError> {
        self.step()?;
        Ok(match t {
            Test::True => true,
            Test::False => false,
            Test::Not(x) => !self.test(x)?,
            Test::AllOf(v) => {
                for x in v {
                    if !self.test(x)? {
                        return Ok(false);
                    }
                }
                true
            }
            Test::AnyOf(v) => {
                for x in v {
                    if self.test(x)? {
                        return Ok(true);
                    }
                }
                false
            }
            Test::Exists(names) => self
                .list(names)
                .iter()
                .all(|n| self.header_values(n).next().is_some()),
            Test::Size { over, limit } => {
                let size = self.msg.size() as u64;
                if *over { size > *limit } else { size < *limit }
            }
            Test::Header {
                m,
                names,
                keys,
                index,
                ..
            } => {
                let mut vals = Vec::new();
                for n in self.list(names) {
                    vals.extend(pick(
                        self.header_values(&n).map(|v| decode_value(&v)).collect(),
                        *index,
                    ));
                }
                self.compare(m, &vals, keys)
            }
            Test::Address {
                m,
                part,
                names,
                keys,
                index,
            } => {
                let mut vals = Vec::new();
                for n in self.list(names) {
                    // RFC 5260 §6: :index counts header fields, not addresses.
                    let fields = pick(self.header_values(&n).collect(), *index);
                    let all = fields.iter().flat_map(|v| addresses(v));
                    vals.extend(all.filter_map(|a| address_part(&a, *part)));
                }
                self.compare(m, &vals, keys)
            }
            Test::Envelope {
                m,
                part,
                names,
                keys,
            } => {
                let mut vals = Vec::new();
                for n in self.list(names) {
                    let a = match n.to_ascii_lowercase().as_str() {
                        "from" => Some(self.env.from.clone()),
                        "to" => Some(self.env.to.clone()),
                        _ => self.env.auth.clone(),
                    };
                    // The null reverse path has no local part or domain (RFC 5228 §5.4).
                    if let Some(a) = a.filter(|a| !a.is_empty() || *part == AddrPart::All) {
                        vals.extend(address_part(&a, *part));
                    }
                }
                self.compare(m, &vals, keys)
            }
            Test::Body { m, transform, keys } => {
                let vals = match transform {
                    BodyTransform::Raw => vec![self.msg.raw_body()],
                    BodyTransform::Text => self.msg.parts(None),
                    BodyTransform::Content(types) => self.msg.parts(Some(&self.list(types))),
                };
                self.compare(m, &vals, keys)
            }
            Test::Date {
                m,
                zone,
                header,
                part,
                keys,
                index,
            } => self.date(m, zone, header.as_deref(), part, keys, *index)?,
            Test::HasFlag { m, vars, keys } => {
                let flags = if vars.is_empty() {
                    self.flags.clone()
                } else {
                    let vals: Vec<String> = self
                        .list(vars)
                        .iter()
                        .map(|v| self.s(&format!("${{{v}}}")))
                        .collect();
                    flag_set(&vals)
                };
                self.compare(m, &flags, keys)
            }
            Test::Str { m, sources, keys } => {
                let vals = self.list(sources);
                if let MatchKind::Count(_) = m.kind {
                    // RFC 5229 §5: empty strings are not counted.
                    let vals: Vec<String> = vals.into_iter().filter(|v| !v.is_empty()).collect();
                    return Ok(self.compare(m, &vals, keys));
                }
                self.compare(m, &vals, keys)
            }
            Test::MailboxExists(names) => {
                let have = &self.environment.mailboxes;
                self.list(names).iter().all(|n| have.iter().any(|h| h == n))
            }
            Test::Duplicate {
                handle,
                id,
                seconds,
            } => self.duplicate(handle.as_deref(), id, *seconds),
            Test::Environment { m, name, keys } => {
                let name = self.s(name).to_ascii_lowercase();
                match self.environment.items.get(&name).cloned() {
                    Some(v) => self.compare(m, &[v], keys),
                    None => false,
                }
            }
            Test::Spam {
                m,
                percent,
                virus,
                keys,
            } => {
                let e = self.environment;
                let v = match (virus, percent) {
                    (true, _) => e.virus.clone(),
                    (false, true) => e.spam_percent.clone(),
                    (false, false) => e.spam.clone(),
                };
                self.compare(m, &[v.unwrap_or_else(|| "0".into())], keys)
            }
        })
    }

    /// The current (edited) header's values named `name`, raw.
    pub(crate) fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = String> + 's {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    }

    /// Any value against any key; `:count` counts the values instead.
    pub(crate) fn compare(&mut self, m: &Match, vals: &[String], keys: &[String]) -> bool {
        let keys = self.list(keys);
        if let MatchKind::Count(rel) = m.kind {
            let n = vals.len().to_string();
            return keys
                .iter()
                .any(|k| matching::relation(rel, matching::order(m.cmp, &n, k)));
        }
        let mut caps = Vec::new();
        for v in vals {
            for k in &keys {
                if matching::matches(m, v, k, &mut caps, self.regexes) {
                    if matches!(m.kind, MatchKind::Matches | MatchKind::Regex) {
                        self.match_vars = std::mem::take(&mut caps);
                    }
                    return true;
                }
            }
        }
        false
    }

    fn date(
        &mut self,
        m: &Match,
        zone: &Zone,
        header: Option<&str>,
        part: &str,
        keys: &[String],
        index: Option<Index>,
    ) -> Result<bool, RuntimeError> {
        let local = *self.environment.now.offset();
        let dates = match header {
            None => vec![self.environment.now],
            Some(h) => {
                let h = self.s(h);
                let all: Vec<String> = self.header_values(&h).collect();
                // RFC 5260 §2.4: Received dates are after the last ';'.
                pick(all, index)
                    .iter()
                    .filter_map(|v| {
                        super::date::parse_header_date(v.rsplit(';').next().unwrap_or(v))
                    })
                    .collect()
            }
        };
        let vals: Vec<String> = dates
            .iter()
            .filter_map(|d| {
                let d = match zone {
                    Zone::Original => *d,
                    Zone::Local => d.with_timezone(&local),
                    Zone::Fixed(z) => d.with_timezone(&super::date::parse_zone(z)?),
                };
                super::date::part(&d, part)
            })
            .collect();
        Ok(self.compare(m, &vals, keys))
    }

    fn duplicate(&mut self, handle: Option<&str>, id: &DupId, seconds: u64) -> bool {
        let id = match id {
            DupId::MessageId => self
                .header_values("message-id")
                .next()
                .map(|v| v.trim().to_string()),
            DupId::Header(h) => {
                let h = self.s(h);
                self.header_values(&h).next().map(|v| decode_value(&v))
            }
            DupId::Unique(u) => Some(self.s(u)),
        };
        let Some(id) = id.filter(|i| !i.is_empty()) else {
            return false;
        };
        let handle = handle.map(|h| self.s(h)).unwrap_or_default();
        let seen = self
            .dup
            .as_mut()
            .is_some_and(|d| d.seen(&handle, &id, seconds));
        self.out.duplicates.push((handle, id, seconds));
        seen
    }

    pub(crate) fn vacation(&mut self, spec: &VacationSpec) -> Result<(), RuntimeError> {
        let period = match (spec.seconds, spec.days) {
            (Some(s), _) => s,
            (None, Some(d)) => d.saturating_mul(86_400),
            (None, None) => 7 * 86_400,
        };
        // RFC 6131 §2: zero seconds means "always reply"; otherwise the site's minimum holds.
        let period = if spec.seconds == Some(0) {
            0
        } else {
            period.max(self.limits.min_vacation_period)
        };
        let v = Vacation {
            reason: self.s(&spec.reason),
            subject: spec.subject.as_deref().map(|s| self.s(s)),
            from: spec.from.as_deref().map(|s| self.s(s)),
            addresses: self.list(&spec.addresses),
            mime: spec.mime,
            handle: String::new(),
            period,
        };
        let handle = match &spec.handle {
            Some(h) => self.s(h),
            None => format!(
                "{}{}{}{}",
                v.reason,
                v.subject.as_deref().unwrap_or("<default-subject>"),
                v.from.as_deref().unwrap_or("<default-from>"),
                if v.mime { "<MIME>" } else { "<NO-MIME>" }
            ),
        };
        self.add_vacation(Vacation { handle, ..v })
    }

    fn add_vacation(&mut self, v: Vacation) -> Result<(), RuntimeError> {
        if self
            .out
            .actions
            .iter()
            .any(|a| matches!(a, Action::Vacation(_)))
        {
            return Err(self.fail("duplicate vacation action"));
        }
        if self
            .out
            .actions
            .iter()
            .any(|a| matches!(a, Action::Reject { .. }))
        {
            return Err(self.fail("reject/ereject conflicts with vacation"));
        }
        self.out.actions.push(Action::Vacation(v));
        Ok(())
    }

    pub(crate) fn edit_header(&mut self, cmd: &Cmd) -> Result<(), RuntimeError> {
        if self.out.header_edits.len() >= self.limits.max_header_edits {
            return Err(self.fail("too many header edits"));
        }
        match cmd {
            Cmd::AddHeader { name, value, last } => {
                let name = self.s(name);
                if !super::validate_test::valid_field_name(&name) {
                    return Err(self.fail(format!("addheader: invalid header name '{name}'")));
                }
                // RFC 5293 §6 and Pigeonhole: the trace fields are not the script's to add.
                if super::edit::protected(&name) {
                    return Ok(());
                }
                let value = self.s(value);
                let raw = format!(" {value}");
                if *last {
                    self.headers.push((name.clone(), raw))
                } else {
                    self.headers.insert(0, (name.clone(), raw))
                }
                self.out.header_edits.push(HeaderEdit::Add {
                    name,
                    value,
                    last: *last,
                });
            }
            Cmd::DeleteHeader {
                m,
                index,
                name,
                patterns,
            } => {
                let name = self.s(name);
                // RFC 5293 §6: Received and Auto-Submitted are never deleted.
                if super::edit::protected(&name) {
                    return Ok(());
                }
                let all: Vec<String> = self.header_values(&name).collect();
                let count = all.len();
                let mut hit = Vec::new();
                for (i, v) in all.iter().enumerate() {
                    let pos_ok = match index {
                        None => true,
                        Some(ix) if ix.last => (count as u64).checked_sub(ix.n) == Some(i as u64),
                        Some(ix) => ix.n - 1 == i as u64,
                    };
                    let val_ok = match patterns {
                        None => true,
                        Some(p) => self.compare(m, &[decode_value(v)], p),
                    };
                    if pos_ok && val_ok {
                        hit.push(i);
                    }
                }
                let mut seen = 0;
                self.headers.retain(|(n, _)| {
                    if !n.eq_ignore_ascii_case(&name) {
                        return true;
                    }
                    seen += 1;
                    !hit.contains(&(seen - 1))
                });
                self.out.header_edits.push(HeaderEdit::Delete {
                    name,
                    occurrences: hit,
                });
            }
            _ => {}
        }
        Ok(())
    }
}

/// RFC 5260 §6: `:index N` picks the Nth value (from the end with `:last`).
fn pick(all: Vec<String>, index: Option<Index>) -> Vec<String> {
    let Some(ix) = index else {
        return all;
    };
    let n = usize::try_from(ix.n).unwrap_or(usize::MAX);
    let i = if ix.last {
        all.len().checked_sub(n)
    } else {
        n.checked_sub(1)
    };
    i.and_then(|i| all.get(i).cloned()).into_iter().collect()
}
