//! Running a compiled script: commands in order, the action list with its conflicts and
//! limits, the implicit keep (RFC 5228 §2.10.2: cancelled by fileinto, redirect, discard and
//! reject, not by `:copy`), imap4flags' internal variable, variables, includes with `return`.
//!
//! Not here: evaluating tests (run_test.rs).

use std::collections::{HashMap, HashSet};

use super::program::{Cmd, FlagOp, Script, Stmt};
use super::variables;
use super::{DuplicateTracker, Envelope, Environment, Limits, Message, RuntimeError};

/// One action for delivery to carry out, in script order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Keep {
        flags: Vec<String>,
    },
    FileInto {
        mailbox: String,
        flags: Vec<String>,
        create: bool,
        copy: bool,
    },
    Redirect {
        address: String,
        copy: bool,
    },
    Discard,
    Reject {
        reason: String,
        extended: bool,
    },
    Vacation(Vacation),
}

/// A vacation reply's parameters (RFC 5230 §4); whether to send is delivery's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vacation {
    pub reason: String,
    pub subject: Option<String>,
    pub from: Option<String>,
    pub addresses: Vec<String>,
    pub mime: bool,
    /// The handle given, or one derived from the parameters as RFC 5230 §4.2 suggests.
    pub handle: String,
    /// Seconds between replies to one sender, after the site's minimum.
    pub period: u64,
}

/// RFC 5293 edits, in order; indexes count occurrences of the name from the top, 0-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderEdit {
    Add {
        name: String,
        value: String,
        last: bool,
    },
    Delete {
        name: String,
        occurrences: Vec<usize>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub actions: Vec<Action>,
    /// The implicit keep was not cancelled: store in INBOX with these flags.
    pub implicit_keep: Option<Vec<String>>,
    pub header_edits: Vec<HeaderEdit>,
    /// (handle, id, period) to record once delivery succeeded (RFC 7352 §3).
    pub duplicates: Vec<(String, String, u64)>,
}

pub(crate) enum Flow {
    Next,
    Return,
    Stop,
}

pub(crate) struct Run<'a, 'd, 'm> {
    pub scripts: &'a [Script],
    pub regexes: &'a super::matching::Regexes,
    pub msg: &'a Message<'m>,
    pub env: &'a Envelope,
    pub environment: &'a Environment,
    pub dup: Option<&'a mut (dyn DuplicateTracker + 'd)>,
    pub limits: &'a Limits,
    pub out: Outcome,
    pub keep: bool,
    pub flags: Vec<String>,
    pub vars: HashMap<String, String>,
    pub globals: HashMap<String, String>,
    pub global_names: HashSet<String>,
    pub match_vars: Vec<String>,
    pub headers: Vec<(String, String)>,
    pub steps: u64,
    pub line: u32,
    pub script: usize,
    included_once: HashSet<usize>,
}

impl<'a, 'd, 'm> Run<'a, 'd, 'm> {
    pub(crate) fn new(
        scripts: &'a [Script],
        regexes: &'a super::matching::Regexes,
        msg: &'a Message<'m>,
        env: &'a Envelope,
        environment: &'a Environment,
        dup: Option<&'a mut (dyn DuplicateTracker + 'd)>,
        limits: &'a Limits,
    ) -> Self {
        Run {
            scripts,
            regexes,
            msg,
            env,
            environment,
            dup,
            limits,
            out: Outcome::default(),
            keep: true,
            flags: Vec::new(),
            vars: HashMap::new(),
            globals: HashMap::new(),
            global_names: HashSet::new(),
            match_vars: Vec::new(),
            headers: msg.headers.clone(),
            steps: 0,
            line: 0,
            script: 0,
            included_once: HashSet::new(),
        }
    }

    pub(crate) fn fail(&self, msg: impl Into<String>) -> RuntimeError {
        RuntimeError {
            line: self.line,
            message: msg.into(),
        }
    }

    pub(crate) fn go(mut self) -> Result<Outcome, RuntimeError> {
        if let Some(s) = self.scripts.first() {
            self.block(&s.cmds)?;
        }
        if self.keep {
            self.out.implicit_keep = Some(self.flags.clone());
        }
        Ok(self.out)
    }

    pub(crate) fn step(&mut self) -> Result<(), RuntimeError> {
        self.steps += 1;
        if self.steps > self.limits.max_instructions {
            return Err(self.fail("too many instructions executed"));
        }
        Ok(())
    }

    /// A string as the script means it: variables expanded when the script uses them.
    pub(crate) fn s(&self, v: &str) -> String {
        if !self.scripts[self.script].variables {
            return v.to_string();
        }
        variables::expand(v, &|name| self.lookup(name), self.limits.max_variable_size)
    }

    pub(crate) fn list(&self, v: &[String]) -> Vec<String> {
        v.iter().map(|x| self.s(x)).collect()
    }

    fn lookup(&self, name: &str) -> Option<String> {
        if name.bytes().all(|c| c.is_ascii_digit()) {
            let i: usize = name.parse().ok()?;
            return self.match_vars.get(i).cloned();
        }
        if let Some(g) = name.strip_prefix("global.") {
            return self.globals.get(g).cloned();
        }
        if self.global_names.contains(name) {
            return self.globals.get(name).cloned();
        }
        self.vars.get(name).cloned()
    }

    pub(crate) fn set_var(&mut self, name: &str, mut value: String) -> Result<(), RuntimeError> {
        variables::truncate(&mut value, self.limits.max_variable_size);
        let name = name.to_ascii_lowercase();
        let (map, key) = match name.strip_prefix("global.") {
            Some(g) => (&mut self.globals, g.to_string()),
            None if self.global_names.contains(&name) => (&mut self.globals, name),
            None => (&mut self.vars, name),
        };
        if !map.contains_key(&key) && map.len() >= self.limits.max_variables {
            return Err(RuntimeError {
                line: self.line,
                message: "too many variables".into(),
            });
        }
        map.insert(key, value);
        Ok(())
    }

    pub(crate) fn block(&mut self, cmds: &[Stmt]) -> Result<Flow, RuntimeError> {
        for s in cmds {
            self.step()?;
            self.line = s.line;
            match self.command(&s.cmd)? {
                Flow::Next => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Next)
    }

    fn command(&mut self, cmd: &Cmd) -> Result<Flow, RuntimeError> {
        match cmd {
            Cmd::If(branches, otherwise) => {
                for (t, body) in branches {
                    if self.test(t)? {
                        return self.block(body);
                    }
                }
                if let Some(b) = otherwise {
                    return self.block(b);
                }
            }
            Cmd::Stop => return Ok(Flow::Stop),
            Cmd::Return => return Ok(Flow::Return),
            Cmd::Keep { flags } => {
                let flags = self.action_flags(flags.as_deref());
                self.keep = false;
                self.add(Action::Keep { flags })?;
            }
            Cmd::FileInto {
                mailbox,
                flags,
                create,
                copy,
            } => {
                let flags = self.action_flags(flags.as_deref());
                let mailbox = self.s(mailbox);
                if !*copy {
                    self.keep = false;
                }
                self.add(Action::FileInto {
                    mailbox,
                    flags,
                    create: *create,
                    copy: *copy,
                })?;
            }
            Cmd::Redirect { address, copy } => {
                let address = self.s(address);
                if address
                    .rsplit_once('@')
                    .is_none_or(|(l, d)| l.is_empty() || d.is_empty())
                {
                    return Err(self.fail(format!("redirect: invalid address '{address}'")));
                }
                if !*copy {
                    self.keep = false;
                }
                self.add(Action::Redirect {
                    address,
                    copy: *copy,
                })?;
            }
            Cmd::Discard => {
                self.keep = false;
                self.add(Action::Discard)?;
            }
            Cmd::Reject { reason, extended } => {
                self.keep = false;
                let reason = self.s(reason);
                self.add(Action::Reject {
                    reason,
                    extended: *extended,
                })?;
            }
            Cmd::Flags { op, var, flags } => self.flag_cmd(*op, var.as_deref(), flags)?,
            Cmd::Set { name, value, mods } => {
                let v = variables::apply(mods, self.s(value));
                self.set_var(name, v)?;
            }
            Cmd::Vacation(spec) => self.vacation(spec)?,
            Cmd::AddHeader { .. } | Cmd::DeleteHeader { .. } => self.edit_header(cmd)?,
            Cmd::Include { script, once } => return self.include(*script, *once),
            Cmd::Global(names) => {
                for n in names {
                    self.global_names.insert(n.to_ascii_lowercase());
                }
            }
        }
        Ok(Flow::Next)
    }

    fn include(&mut self, script: Option<usize>, once: bool) -> Result<Flow, RuntimeError> {
        let Some(i) = script else {
            return Ok(Flow::Next);
        };
        if once && !self.included_once.insert(i) {
            return Ok(Flow::Next);
        }
        // Each included script has its own local variables (RFC 6609 §3.3).
        let saved = (
            std::mem::take(&mut self.vars),
            std::mem::take(&mut self.global_names),
            std::mem::take(&mut self.match_vars),
            self.script,
            self.line,
        );
        self.script = i;
        let r = self.block(&self.scripts[i].cmds);
        (
            self.vars,
            self.global_names,
            self.match_vars,
            self.script,
            self.line,
        ) = saved;
        match r? {
            Flow::Stop => Ok(Flow::Stop),
            _ => Ok(Flow::Next),
        }
    }

    fn action_flags(&self, given: Option<&[String]>) -> Vec<String> {
        match given {
            Some(f) => flag_set(&self.list(f)),
            None => self.flags.clone(),
        }
    }

    fn flag_cmd(
        &mut self,
        op: FlagOp,
        var: Option<&str>,
        flags: &[String],
    ) -> Result<(), RuntimeError> {
        let given = flag_set(&self.list(flags));
        let current = match var {
            Some(v) => flag_set(&[self.lookup(&v.to_ascii_lowercase()).unwrap_or_default()]),
            None => self.flags.clone(),
        };
        let next = match op {
            FlagOp::Set => given,
            FlagOp::Add => flag_set(&[current.join(" "), given.join(" ")]),
            FlagOp::Remove => current
                .into_iter()
                .filter(|f| !given.iter().any(|g| g.eq_ignore_ascii_case(f)))
                .collect(),
        };
        match var {
            Some(v) => self.set_var(v, next.join(" ")),
            None => {
                self.flags = next;
                Ok(())
            }
        }
    }

    /// Adds an action, merging duplicates and refusing conflicts the way Pigeonhole does.
    fn add(&mut self, a: Action) -> Result<(), RuntimeError> {
        let is_reject = matches!(a, Action::Reject { .. });
        let delivers = |x: &Action| {
            matches!(
                x,
                Action::Keep { .. }
                    | Action::FileInto { .. }
                    | Action::Redirect { .. }
                    | Action::Vacation(_)
            )
        };
        for old in &self.out.actions {
            if (is_reject && delivers(old))
                || (matches!(old, Action::Reject { .. }) && delivers(&a))
            {
                return Err(
                    self.fail("reject/ereject conflicts with an action that delivers the message")
                );
            }
            if matches!((old, &a), (Action::Reject { .. }, Action::Reject { .. })) {
                return Err(self.fail("duplicate reject"));
            }
            if matches!((old, &a), (Action::Vacation(_), Action::Vacation(_))) {
                return Err(self.fail("duplicate vacation action"));
            }
        }
        if let Some(dup) = self.out.actions.iter_mut().find(|o| same_target(o, &a)) {
            merge_flags(dup, &a);
            return Ok(());
        }
        if let Action::Redirect { .. } = a {
            let n = self
                .out
                .actions
                .iter()
                .filter(|x| matches!(x, Action::Redirect { .. }))
                .count();
            if n + 1 > self.limits.max_redirects {
                return Err(self.fail(format!(
                    "too many redirect actions (limit {})",
                    self.limits.max_redirects
                )));
            }
        }
        if self.out.actions.len() + 1 > self.limits.max_actions {
            return Err(self.fail(format!(
                "too many actions (limit {})",
                self.limits.max_actions
            )));
        }
        self.out.actions.push(a);
        Ok(())
    }
}

/// Two stores into the same mailbox, or two redirects to the same address, are one action.
fn same_target(a: &Action, b: &Action) -> bool {
    let mbox = |x: &Action| match x {
        Action::Keep { .. } => Some("INBOX".to_string()),
        Action::FileInto { mailbox, .. } if mailbox.eq_ignore_ascii_case("INBOX") => {
            Some("INBOX".into())
        }
        Action::FileInto { mailbox, .. } => Some(mailbox.clone()),
        _ => None,
    };
    match (a, b) {
        (Action::Redirect { address: x, .. }, Action::Redirect { address: y, .. }) => x == y,
        (Action::Discard, Action::Discard) => true,
        _ => mbox(a).is_some() && mbox(a) == mbox(b),
    }
}

fn merge_flags(into: &mut Action, from: &Action) {
    let get = |a: &Action| match a {
        Action::Keep { flags } | Action::FileInto { flags, .. } => flags.clone(),
        _ => Vec::new(),
    };
    // As Pigeonhole: the later store's flags replace the earlier ones.
    let _ = get(into);
    let merged = get(from);
    if let Action::Keep { flags } | Action::FileInto { flags, .. } = into {
        *flags = merged;
    }
}

/// RFC 5232 §3: a flag list is space-separated names, duplicates (case-insensitive) dropped.
pub(crate) fn flag_set(lists: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in lists.iter().flat_map(|l| l.split_ascii_whitespace()) {
        if !out.iter().any(|o| o.eq_ignore_ascii_case(f)) {
            out.push(f.to_string());
        }
    }
    out
}
