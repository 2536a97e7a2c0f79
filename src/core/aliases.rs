//! Aliases: a source address (or `@domain` catch-all) forwarding to one or more
//! destinations, local or external. Several destinations make a distribution list.
//!
//! Resolution follows Postfix's virtual alias semantics: an exact alias wins over a mailbox of
//! the same name, a sub-addressed form (`user+tag`) is tried before its base, and a catch-all
//! applies only when no alias or mailbox matches. An alias may list its own source as a
//! destination when that source is a mailbox ("forward and keep a copy").

use std::collections::{BTreeMap, HashSet};

use super::sql::args;

use super::{Address, AliasSource, CoreError, Db, Domain, Result, now};

/// How deep alias chains may go before resolution gives up (Postfix: 1000 recipients, depth
/// 100; ours is smaller because lists here are short).
pub const MAX_DEPTH: usize = 20;
/// The most final recipients one address may expand to.
pub const MAX_EXPANSION: usize = 1000;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Alias {
    pub source: String,
    pub destinations: Vec<String>,
}

/// Where mail for a recipient ends up.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// A mailbox served here.
    Mailbox(Address),
    /// An address on another server (forwarding).
    External(Address),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resolved {
    /// The recipient's domain is one of ours.
    pub local_domain: bool,
    /// Final destinations, without duplicates. Empty for a local domain means unknown user.
    pub targets: Vec<Target>,
    /// The recipient (or every mailbox it expands to) exists but is disabled.
    pub disabled: bool,
    /// Why a recipient that looks like an SRS address of ours was refused (forged, altered,
    /// expired): said at RCPT instead of "user unknown".
    pub srs_refused: Option<String>,
}

impl Db {
    /// Adds destinations to an alias source. Refuses a source in a domain not served here and
    /// any addition that would make a loop.
    pub fn add_alias(&mut self, source: &AliasSource, destinations: &[Address]) -> Result<usize> {
        if destinations.is_empty() {
            return Err(CoreError::Invalid(
                "an alias needs at least one destination".into(),
            ));
        }
        let domain_id = self.require_domain(source.domain())?;
        for dest in destinations {
            if let AliasSource::Address(src) = source
                && dest == src
                && self.user(src)?.is_none()
            {
                return Err(CoreError::Refused(format!(
                    "{src} cannot forward to itself: it is not a mailbox (a self-destination only means \"keep a copy\" for mailboxes)"
                )));
            }
            if let Some(path) = self.would_loop(source, dest)? {
                return Err(CoreError::Refused(format!(
                    "alias loop: {source} → {path}; mail would circle forever"
                )));
            }
        }
        let sql = self.sql();
        sql.transaction(|| {
            let mut added = 0;
            for dest in destinations {
                added += sql.execute(
                    "INSERT INTO aliases (domain_id, source, destination, created) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (source, destination) DO NOTHING",
                    args![domain_id, source.to_string(), dest.to_string(), now()],
                )?;
            }
            Ok(added as usize)
        })
    }

    /// Removes the given destinations of a source, or all of them when none are given.
    pub fn remove_alias(&self, source: &AliasSource, destinations: &[Address]) -> Result<usize> {
        let src = source.to_string();
        let sql = self.sql();
        let n = if destinations.is_empty() {
            sql.execute("DELETE FROM aliases WHERE source = ?1", args![&src])?
        } else {
            let mut n = 0;
            for d in destinations {
                n += sql.execute(
                    "DELETE FROM aliases WHERE source = ?1 AND destination = ?2",
                    args![&src, d.to_string()],
                )?;
            }
            n
        };
        let n = n as usize;
        if n == 0 {
            return Err(CoreError::NotFound {
                kind: "alias",
                name: src,
            });
        }
        Ok(n)
    }

    /// Aliases grouped by source, sorted, optionally for one domain.
    pub fn aliases(&self, domain: Option<&Domain>) -> Result<Vec<Alias>> {
        let rows = match domain {
            Some(d) => {
                let id = self.require_domain(d)?;
                self.sql().query(
                    "SELECT source, destination FROM aliases WHERE domain_id = ?1",
                    args![id],
                )?
            }
            None => self
                .sql()
                .query("SELECT source, destination FROM aliases", &[])?,
        };
        let mut pairs = rows
            .iter()
            .map(|r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)))
            .collect::<Result<Vec<_>>>()?;
        // Sorted here, not by ORDER BY: PostgreSQL orders text by the database's collation,
        // and both engines must list in the same (byte) order.
        pairs.sort();
        let mut out: Vec<Alias> = Vec::new();
        for (source, dest) in pairs {
            match out.last_mut() {
                Some(last) if last.source == source => last.destinations.push(dest),
                _ => out.push(Alias {
                    source,
                    destinations: vec![dest],
                }),
            }
        }
        Ok(out)
    }

    pub fn alias_count(&self) -> Result<u64> {
        self.sql()
            .query_one("SELECT count(DISTINCT source) FROM aliases", &[])?
            .get(0)
    }

    fn alias_destinations(&self, source: &str) -> Result<Vec<String>> {
        let found = self.through_cache(
            |c| c.aliases.get(source).cloned(),
            |c, v| c.put_alias(source.to_string(), v),
            || {
                let rows = self.sql().query(
                    "SELECT destination FROM aliases WHERE source = ?1",
                    args![source],
                )?;
                Ok(std::sync::Arc::new(
                    rows.iter().map(|r| r.get(0)).collect::<Result<_>>()?,
                ))
            },
        )?;
        Ok(found.to_vec())
    }

    /// Whether adding `source → dest` closes a cycle; if so, the path that would circle.
    fn would_loop(&self, source: &AliasSource, dest: &Address) -> Result<Option<String>> {
        // Walk everything reachable from `dest` through alias edges; reaching `source` is a loop.
        let target = source.to_string();
        let mut stack = vec![(dest.to_string(), dest.to_string())];
        let mut seen = HashSet::new();
        while let Some((node, path)) = stack.pop() {
            if node == target && !matches!(source, AliasSource::Address(s) if s == dest) {
                return Ok(Some(path));
            }
            if !seen.insert(node.clone()) || seen.len() > 10_000 {
                continue;
            }
            for next in self.alias_destinations(&node)? {
                if next != node {
                    stack.push((next.clone(), format!("{path} → {next}")));
                }
            }
            // A catch-all source is reached by any address of its domain that has no alias
            // and no mailbox of its own.
            if let AliasSource::CatchAll(d) = source
                && let Ok(addr) = Address::parse(&node)
                && addr.domain() == d
                && node != dest.to_string()
                && self.user(&addr)?.is_none()
                && self.alias_destinations(&node)?.is_empty()
            {
                return Ok(Some(format!("{path} (caught by @{d})")));
            }
            if let AliasSource::CatchAll(d) = source
                && dest.domain() == d
                && self.user(dest)?.is_none()
                && self.alias_destinations(&dest.to_string())?.is_empty()
            {
                return Ok(Some(format!("{dest} (caught by @{d})")));
            }
        }
        Ok(None)
    }

    /// Resolves an envelope recipient to its final destinations.
    pub fn resolve_recipient(&self, rcpt: &Address) -> Result<Resolved> {
        if !self.domain_exists(rcpt.domain())? {
            return Ok(Resolved {
                local_domain: false,
                targets: vec![Target::External(rcpt.clone())],
                disabled: false,
                srs_refused: None,
            });
        }
        if super::srs::is_srs(rcpt.local()) {
            return self.resolve_srs(rcpt);
        }
        let sep = self.setting("smtp.recipient_delimiter")?;
        let mut out = Resolved {
            local_domain: true,
            ..Resolved::default()
        };
        let mut seen = HashSet::new();
        let mut disabled_hits = 0usize;
        let base = rcpt.without_detail(&sep);
        // RFC 5321 §4.5.1: postmaster must be accepted in every domain. Without an alias or
        // mailbox of its own (a catch-all does not count: it may point anywhere), it goes to
        // the server's administrator.
        let start = if base.local() == "postmaster" && !self.has_own_postmaster(rcpt.domain())? {
            seen.insert(rcpt.clone());
            self.postmaster_fallback()?
        } else {
            Some(rcpt.clone())
        };
        if let Some(start) = start {
            self.expand(
                &start,
                &sep,
                0,
                &mut seen,
                &mut out.targets,
                &mut disabled_hits,
            )?;
        }
        out.disabled = out.targets.is_empty() && disabled_hits > 0;
        Ok(out)
    }

    /// A bounce to an SRS address we made (`core::srs`) goes on to the address it stands for;
    /// one we did not make, or made too long ago, goes nowhere. Any valid one is reversed, not
    /// only `<>` mail, as postsrsd does: replies to the envelope sender (autoresponders,
    /// challenge-response systems) are legitimate too, and the hash already limits the relay
    /// to the one sender of a message we forwarded, for three weeks.
    fn resolve_srs(&self, rcpt: &Address) -> Result<Resolved> {
        let dd = self.data_dir();
        let srs = super::srs::Srs::load(dd)
            .map_err(|e| CoreError::io(&dd.root().join("srs.secret"), e))?;
        let refused = |why: String| Resolved {
            local_domain: true,
            srs_refused: Some(why),
            ..Resolved::default()
        };
        let original = match srs.reverse(rcpt.local(), super::srs::today()) {
            Ok(a) => a,
            Err(e) => return Ok(refused(e.to_string())),
        };
        let Ok(original) = Address::parse(&original) else {
            return Ok(refused("SRS address holds no valid address".into()));
        };
        // Ours (an SRS1 whose first hop was us): resolved again, which ends, since each
        // reversal removes one layer we signed.
        if self.domain_exists(original.domain())? {
            return self.resolve_recipient(&original);
        }
        Ok(Resolved {
            local_domain: true,
            targets: vec![Target::External(original)],
            ..Resolved::default()
        })
    }

    /// Whether `postmaster@domain` is an alias or a mailbox.
    fn has_own_postmaster(&self, domain: &Domain) -> Result<bool> {
        let pm = format!("postmaster@{domain}");
        Ok(!self.alias_destinations(&pm)?.is_empty()
            || self
                .user(&Address::from_stored(
                    "postmaster".into(),
                    domain.to_string(),
                ))?
                .is_some())
    }

    /// Where postmaster mail of a domain without its own goes: the `postmaster` setting, else
    /// postmaster@ the first domain, which `mailctl setup` points at the admin's mailbox.
    fn postmaster_fallback(&self) -> Result<Option<Address>> {
        let set = self.setting("postmaster")?;
        if !set.is_empty() {
            return Ok(Address::parse(&set).ok());
        }
        let Some(first) = self.domains()?.into_iter().next() else {
            return Ok(None);
        };
        if !self.has_own_postmaster(&first.name)? {
            return Ok(None);
        }
        Ok(Some(Address::from_stored(
            "postmaster".into(),
            first.name.to_string(),
        )))
    }

    fn expand(
        &self,
        addr: &Address,
        sep: &str,
        depth: usize,
        seen: &mut HashSet<Address>,
        targets: &mut Vec<Target>,
        disabled: &mut usize,
    ) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(CoreError::Refused(format!(
                "alias expansion of {addr} is deeper than {MAX_DEPTH} levels"
            )));
        }
        if !seen.insert(addr.clone()) || targets.len() >= MAX_EXPANSION {
            return Ok(());
        }
        if !self.domain_exists(addr.domain())? {
            push_unique(targets, Target::External(addr.clone()));
            return Ok(());
        }
        let base = addr.without_detail(sep);
        // 1. An exact alias, first with the detail, then without it.
        let mut dests = self.alias_destinations(&addr.to_string())?;
        if dests.is_empty() && base != *addr {
            dests = self.alias_destinations(&base.to_string())?;
        }
        if !dests.is_empty() {
            for d in dests {
                let Ok(dest) = Address::parse(&d) else {
                    continue;
                };
                if dest == *addr || dest == base {
                    self.deliver_to_mailbox(&base, targets, disabled)?;
                } else {
                    self.expand(&dest, sep, depth + 1, seen, targets, disabled)?;
                }
            }
            return Ok(());
        }
        // 2. A mailbox.
        if self.deliver_to_mailbox(&base, targets, disabled)? {
            return Ok(());
        }
        // 3. The domain's catch-all.
        let catch_all = format!("@{}", addr.domain());
        for d in self.alias_destinations(&catch_all)? {
            let Ok(dest) = Address::parse(&d) else {
                continue;
            };
            self.expand(&dest, sep, depth + 1, seen, targets, disabled)?;
        }
        Ok(())
    }

    /// Adds the mailbox if it exists; returns whether it exists (enabled or not).
    fn deliver_to_mailbox(
        &self,
        addr: &Address,
        targets: &mut Vec<Target>,
        disabled: &mut usize,
    ) -> Result<bool> {
        match self.user(addr)? {
            Some(u) if u.enabled => {
                push_unique(targets, Target::Mailbox(u.address));
                Ok(true)
            }
            Some(_) => {
                *disabled += 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// Every address that a user may send as: its own, and the sources of aliases that
    /// deliver to it (catch-alls excluded: they would let a user claim any name).
    pub fn sendable_addresses(&self, user: &Address) -> Result<Vec<Address>> {
        let mut out = vec![user.clone()];
        let sources = self.sql().query(
            "SELECT source FROM aliases WHERE destination = ?1",
            args![user.to_string()],
        )?;
        for s in sources {
            if let Ok(a) = Address::parse(&s.get::<String>(0)?) {
                out.push(a);
            }
        }
        Ok(out)
    }

    /// Alias count per domain name, for status displays.
    pub fn alias_sources_by_domain(&self) -> Result<BTreeMap<String, u64>> {
        self.sql()
            .query(
                "SELECT d.name, count(DISTINCT a.source) FROM aliases a JOIN domains d ON d.id = a.domain_id GROUP BY d.name",
                &[],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect()
    }
}

fn push_unique(targets: &mut Vec<Target>, t: Target) {
    if !targets.contains(&t) {
        targets.push(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::DataDir;
    use crate::core::users::NewUser;

    fn setup() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DataDir::new(dir.path())).unwrap();
        db.add_domain(&Domain::parse("a.test").unwrap()).unwrap();
        db.add_domain(&Domain::parse("b.test").unwrap()).unwrap();
        for u in ["alice@a.test", "bob@a.test", "carol@b.test"] {
            db.add_user(&NewUser {
                address: addr(u),
                password_hash: "x".into(),
                quota: 0,
            })
            .unwrap();
        }
        (dir, db)
    }

    fn addr(s: &str) -> Address {
        Address::parse(s).unwrap()
    }

    fn mailboxes(r: &Resolved) -> Vec<String> {
        let mut v: Vec<String> = r
            .targets
            .iter()
            .map(|t| match t {
                Target::Mailbox(a) => a.to_string(),
                Target::External(a) => format!("ext:{a}"),
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn postmaster_always_resolves_to_the_admin_unless_a_domain_has_its_own() {
        let (_d, mut db) = setup();
        let pm = |db: &Db, a: &str| mailboxes(&db.resolve_recipient(&addr(a)).unwrap());
        // Nothing configured anywhere: nowhere to go (the SMTP server logs how to fix it).
        assert!(pm(&db, "postmaster@b.test").is_empty());
        // What setup leaves: postmaster@ the first domain is the admin's.
        db.add_alias(
            &AliasSource::parse("postmaster@a.test").unwrap(),
            &[addr("bob@a.test")],
        )
        .unwrap();
        // A catch-all does not take postmaster: it may point anywhere.
        db.add_alias(
            &AliasSource::parse("@b.test").unwrap(),
            &[addr("friend@elsewhere.test")],
        )
        .unwrap();
        assert_eq!(pm(&db, "Postmaster@b.test"), ["bob@a.test"]);
        assert_eq!(pm(&db, "postmaster+x@b.test"), ["bob@a.test"]);
        db.set_setting("postmaster", "carol@b.test").unwrap();
        assert_eq!(pm(&db, "postmaster@b.test"), ["carol@b.test"]);
        // A domain's own postmaster alias wins over the setting.
        assert_eq!(pm(&db, "postmaster@a.test"), ["bob@a.test"]);
        // A setting that points back at a postmaster without its own goes nowhere, not round.
        db.set_setting("postmaster", "postmaster@b.test").unwrap();
        assert!(pm(&db, "postmaster@b.test").is_empty());
    }

    #[test]
    fn users_lists_catch_alls_and_sub_addresses() {
        let (_d, mut db) = setup();
        assert_eq!(
            mailboxes(&db.resolve_recipient(&addr("alice+news@a.test")).unwrap()),
            ["alice@a.test"]
        );
        assert!(
            db.resolve_recipient(&addr("nobody@a.test"))
                .unwrap()
                .targets
                .is_empty()
        );
        let ext = db.resolve_recipient(&addr("x@elsewhere.test")).unwrap();
        assert!(!ext.local_domain);

        let list = AliasSource::parse("team@a.test").unwrap();
        db.add_alias(
            &list,
            &[
                addr("alice@a.test"),
                addr("carol@b.test"),
                addr("friend@elsewhere.test"),
            ],
        )
        .unwrap();
        assert_eq!(
            mailboxes(&db.resolve_recipient(&addr("team@a.test")).unwrap()),
            ["alice@a.test", "carol@b.test", "ext:friend@elsewhere.test"]
        );

        db.add_alias(
            &AliasSource::parse("@a.test").unwrap(),
            &[addr("bob@a.test")],
        )
        .unwrap();
        assert_eq!(
            mailboxes(&db.resolve_recipient(&addr("nobody@a.test")).unwrap()),
            ["bob@a.test"]
        );
        // A mailbox wins over the catch-all.
        assert_eq!(
            mailboxes(&db.resolve_recipient(&addr("alice@a.test")).unwrap()),
            ["alice@a.test"]
        );

        // Forward and keep a copy.
        db.add_alias(
            &AliasSource::parse("carol@b.test").unwrap(),
            &[addr("carol@b.test"), addr("alice@a.test")],
        )
        .unwrap();
        assert_eq!(
            mailboxes(&db.resolve_recipient(&addr("carol@b.test")).unwrap()),
            ["alice@a.test", "carol@b.test"]
        );
    }

    #[test]
    fn loops_are_refused_when_created() {
        let (_d, mut db) = setup();
        db.add_alias(
            &AliasSource::parse("x@a.test").unwrap(),
            &[addr("y@a.test")],
        )
        .unwrap();
        db.add_alias(
            &AliasSource::parse("y@a.test").unwrap(),
            &[addr("z@b.test")],
        )
        .unwrap();
        let e = db
            .add_alias(
                &AliasSource::parse("z@b.test").unwrap(),
                &[addr("x@a.test")],
            )
            .unwrap_err();
        assert!(e.to_string().contains("alias loop"), "{e}");
        let e = db
            .add_alias(
                &AliasSource::parse("q@a.test").unwrap(),
                &[addr("q@a.test")],
            )
            .unwrap_err();
        assert!(e.to_string().contains("not a mailbox"), "{e}");
        // A catch-all pointing at an unknown address of its own domain loops too.
        let e = db
            .add_alias(
                &AliasSource::parse("@b.test").unwrap(),
                &[addr("ghost@b.test")],
            )
            .unwrap_err();
        assert!(e.to_string().contains("alias loop"), "{e}");
    }

    #[test]
    fn disabled_mailboxes_are_reported() {
        let (_d, db) = setup();
        db.set_enabled(&addr("bob@a.test"), false).unwrap();
        let r = db.resolve_recipient(&addr("bob@a.test")).unwrap();
        assert!(r.targets.is_empty() && r.disabled);
    }

    #[test]
    fn sendable_addresses_include_aliases() {
        let (_d, mut db) = setup();
        db.add_alias(
            &AliasSource::parse("sales@a.test").unwrap(),
            &[addr("alice@a.test")],
        )
        .unwrap();
        let v: Vec<String> = db
            .sendable_addresses(&addr("alice@a.test"))
            .unwrap()
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(v, ["alice@a.test", "sales@a.test"]);
    }
}
