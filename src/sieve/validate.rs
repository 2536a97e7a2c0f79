//! Checks a parsed script against what each command accepts (RFC 5228 §2.6 and §3-§5 and
//! every supported extension) and builds the [`Program`](super::Program): `require` first and
//! only known capabilities; a command, test or tag of an extension that was not required is
//! an error, as in Pigeonhole; `elsif`/`else` only after `if`; includes resolved and compiled
//! here, with loops and depth refused.
//!
//! Not here: the tests' own arguments (validate_test.rs), running (run.rs).

use std::collections::{HashMap, HashSet};

use super::lexer::Pos;
use super::parser::{Arg, Node, Parser};
use super::program::{Cmd, FlagOp, Modifier, Script, Stmt, VacationSpec};
use super::{CompileError, IncludeResolver, Limits, Location};

/// The capabilities `require` accepts (RFC 5228 §6 plus the extensions).
pub const CAPABILITIES: &[&str] = &[
    "fileinto",
    "reject",
    "ereject",
    "envelope",
    "encoded-character",
    "imap4flags",
    "body",
    "variables",
    "vacation",
    "vacation-seconds",
    "relational",
    "subaddress",
    "date",
    "index",
    "include",
    "mailbox",
    "editheader",
    "duplicate",
    "environment",
    "spamtest",
    "spamtestplus",
    "virustest",
    "regex",
    "copy",
    "comparator-i;ascii-numeric",
    "comparator-i;octet",
    "comparator-i;ascii-casemap",
];

/// Tags followed by a value (RFC 5228 §2.6.2 "tagged arguments with parameters").
const VALUE_TAGS: &[&str] = &[
    "comparator",
    "index",
    "zone",
    "days",
    "seconds",
    "subject",
    "from",
    "handle",
    "addresses",
    "flags",
    "content",
    "header",
    "uniqueid",
    "count",
    "value",
];

pub(crate) fn err(pos: Pos, msg: impl Into<String>) -> CompileError {
    CompileError {
        line: pos.line,
        column: pos.column,
        message: msg.into(),
    }
}

/// A command's or test's arguments, tags taken out one by one as the validator reads them.
pub(crate) struct Tags {
    pub name: String,
    pub pos: Pos,
    tags: Vec<(String, Pos, Option<Arg>)>,
    pub rest: Vec<Arg>,
}

impl Tags {
    pub(crate) fn split(node: &Node) -> Result<Tags, CompileError> {
        let mut tags = Vec::new();
        let mut rest = Vec::new();
        let mut it = node.args.iter().cloned().peekable();
        while let Some(a) = it.next() {
            match a {
                Arg::Tag(t, p) => {
                    let value = if VALUE_TAGS.contains(&t.as_str()) {
                        match it.next() {
                            Some(v @ (Arg::Str(..) | Arg::Num(..))) => Some(v),
                            _ => return Err(err(p, format!(":{t} needs a value"))),
                        }
                    } else {
                        None
                    };
                    if tags
                        .iter()
                        .any(|(x, _, _): &(String, Pos, Option<Arg>)| *x == t)
                    {
                        return Err(err(p, format!("tag :{t} given twice")));
                    }
                    tags.push((t, p, value));
                }
                other => rest.push(other),
            }
        }
        Ok(Tags {
            name: node.name.clone(),
            pos: node.pos,
            tags,
            rest,
        })
    }

    pub(crate) fn flag(&mut self, name: &str) -> Option<Pos> {
        let i = self.tags.iter().position(|(t, _, _)| t == name)?;
        Some(self.tags.remove(i).1)
    }

    pub(crate) fn value(&mut self, name: &str) -> Option<(Arg, Pos)> {
        let i = self.tags.iter().position(|(t, _, _)| t == name)?;
        let (_, p, v) = self.tags.remove(i);
        v.map(|v| (v, p))
    }

    pub(crate) fn string(&mut self, name: &str) -> Result<Option<String>, CompileError> {
        match self.value(name) {
            None => Ok(None),
            Some((Arg::Str(mut v, false, _), _)) if v.len() == 1 => Ok(v.pop()),
            Some((_, p)) => Err(err(p, format!(":{name} needs a string"))),
        }
    }

    pub(crate) fn list(&mut self, name: &str) -> Result<Option<Vec<String>>, CompileError> {
        match self.value(name) {
            None => Ok(None),
            Some((Arg::Str(v, _, _), _)) => Ok(Some(v)),
            Some((_, p)) => Err(err(p, format!(":{name} needs a string list"))),
        }
    }

    pub(crate) fn number(&mut self, name: &str) -> Result<Option<u64>, CompileError> {
        match self.value(name) {
            None => Ok(None),
            Some((Arg::Num(n, _), _)) => Ok(Some(n)),
            Some((_, p)) => Err(err(p, format!(":{name} needs a number"))),
        }
    }

    /// No tag left that the command did not know, and exactly `n` positional arguments.
    pub(crate) fn finish(&self, n: usize) -> Result<(), CompileError> {
        if let Some((t, p, _)) = self.tags.first() {
            return Err(err(
                *p,
                format!("unknown tagged argument ':{t}' for {}", self.name),
            ));
        }
        if self.rest.len() != n {
            let p = self.rest.get(n).map_or(self.pos, Arg::pos);
            return Err(err(
                p,
                format!(
                    "{} expects {n} positional argument(s), got {}",
                    self.name,
                    self.rest.len()
                ),
            ));
        }
        Ok(())
    }

    pub(crate) fn pos_list(&self, i: usize) -> Result<Vec<String>, CompileError> {
        match self.rest.get(i) {
            Some(Arg::Str(v, _, _)) => Ok(v.clone()),
            Some(a) => Err(err(
                a.pos(),
                format!("{}: expected a string list", self.name),
            )),
            None => Err(err(self.pos, format!("{}: missing argument", self.name))),
        }
    }

    pub(crate) fn pos_string(&self, i: usize) -> Result<String, CompileError> {
        match self.rest.get(i) {
            Some(Arg::Str(v, false, _)) if v.len() == 1 => Ok(v[0].clone()),
            Some(a) => Err(err(a.pos(), format!("{}: expected a string", self.name))),
            None => Err(err(self.pos, format!("{}: missing argument", self.name))),
        }
    }
}

/// Compilation state shared by a script and everything it includes.
pub(crate) struct Compiler<'r> {
    pub limits: &'r Limits,
    pub resolver: Option<&'r dyn IncludeResolver>,
    pub scripts: Vec<Script>,
    pub regexes: super::matching::Regexes,
    /// Some script tests `mailboxexists`: the caller must list the mailboxes.
    pub mailbox_test: bool,
    by_name: HashMap<(Location, String), usize>,
    stack: Vec<(Location, String)>,
}

/// What one script has required so far.
pub(crate) struct Caps(pub HashSet<String>);

impl Caps {
    pub(crate) fn has(&self, c: &str) -> bool {
        self.0.contains(c)
    }

    pub(crate) fn need(&self, c: &str, pos: Pos, what: &str) -> Result<(), CompileError> {
        if self.has(c) {
            Ok(())
        } else {
            Err(err(pos, format!("{what} needs require \"{c}\"")))
        }
    }
}

impl<'r> Compiler<'r> {
    pub(crate) fn new(limits: &'r Limits, resolver: Option<&'r dyn IncludeResolver>) -> Self {
        Compiler {
            limits,
            resolver,
            scripts: Vec::new(),
            regexes: Default::default(),
            mailbox_test: false,
            by_name: HashMap::new(),
            stack: Vec::new(),
        }
    }

    /// Compiles `src` into the next script slot and returns its index.
    pub(crate) fn script(&mut self, src: &str, name: &str) -> Result<usize, CompileError> {
        if src.len() > self.limits.max_script_size {
            return Err(err(Pos { line: 1, column: 1 }, "script too large"));
        }
        let mut nodes = Parser::new(src, self.limits).script()?;
        if requires_encoded(&nodes) {
            nodes.iter_mut().for_each(decode_node);
        }
        let slot = self.scripts.len();
        let _ = name;
        self.scripts.push(Script {
            cmds: Vec::new(),
            variables: false,
        });
        let mut caps = Caps(HashSet::new());
        let mut started = false;
        let mut cmds = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            let n = &nodes[i];
            if n.name == "require" {
                if started {
                    return Err(err(n.pos, "require must come before any other command"));
                }
                self.require(n, &mut caps)?;
                i += 1;
                continue;
            }
            started = true;
            let (stmt, used) = self.command(&nodes[i..], &caps)?;
            cmds.push(stmt);
            i += used;
        }
        self.scripts[slot].cmds = cmds;
        self.scripts[slot].variables = caps.has("variables");
        Ok(slot)
    }

    fn require(&self, n: &Node, caps: &mut Caps) -> Result<(), CompileError> {
        let t = Tags::split(n)?;
        t.finish(1)?;
        for c in t.pos_list(0)? {
            if !CAPABILITIES.contains(&c.as_str()) {
                return Err(err(
                    n.pos,
                    format!("require: unknown Sieve capability '{c}'"),
                ));
            }
            if c == "spamtestplus" {
                caps.0.insert("spamtest".into());
            }
            if c == "vacation-seconds" {
                caps.0.insert("vacation".into());
            }
            caps.0.insert(c);
        }
        Ok(())
    }

    pub(crate) fn block(&mut self, nodes: &[Node], caps: &Caps) -> Result<Vec<Stmt>, CompileError> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < nodes.len() {
            if nodes[i].name == "require" {
                return Err(err(
                    nodes[i].pos,
                    "require is only allowed at the top of a script",
                ));
            }
            let (s, used) = self.command(&nodes[i..], caps)?;
            out.push(s);
            i += used;
        }
        Ok(out)
    }

    fn body(&mut self, n: &Node, caps: &Caps) -> Result<Vec<Stmt>, CompileError> {
        match &n.block {
            Some(b) => self.block(b, caps),
            None => Err(err(n.pos, format!("{} needs a block", n.name))),
        }
    }

    /// One command; `if` takes its `elsif`/`else` followers too. Returns how many nodes used.
    fn command(&mut self, nodes: &[Node], caps: &Caps) -> Result<(Stmt, usize), CompileError> {
        let n = &nodes[0];
        if n.name != "if" && n.block.is_some() {
            return Err(err(n.pos, format!("{} does not take a block", n.name)));
        }
        if n.name != "if" && !n.tests.is_empty() {
            return Err(err(n.pos, format!("{} does not take a test", n.name)));
        }
        let line = n.pos.line;
        let mut used = 1;
        let cmd = match n.name.as_str() {
            "if" => {
                let mut branches = vec![(self.single_test(n, caps)?, self.body(n, caps)?)];
                let mut otherwise = None;
                while let Some(next) = nodes.get(used) {
                    match next.name.as_str() {
                        "elsif" => {
                            branches.push((self.single_test(next, caps)?, self.body(next, caps)?))
                        }
                        "else" => {
                            Tags::split(next)?.finish(0)?;
                            if !next.tests.is_empty() {
                                return Err(err(next.pos, "else does not take a test"));
                            }
                            otherwise = Some(self.body(next, caps)?);
                            used += 1;
                            break;
                        }
                        _ => break,
                    }
                    used += 1;
                }
                Cmd::If(branches, otherwise)
            }
            "elsif" | "else" => {
                return Err(err(n.pos, format!("{} without a preceding if", n.name)));
            }
            _ => self.action(n, caps)?,
        };
        Ok((Stmt { line, cmd }, used))
    }

    fn single_test(&mut self, n: &Node, caps: &Caps) -> Result<super::program::Test, CompileError> {
        Tags::split(n)?.finish(0)?;
        if n.tests.len() != 1 {
            return Err(err(n.pos, format!("{} needs exactly one test", n.name)));
        }
        self.test(&n.tests[0], caps)
    }

    fn action(&mut self, n: &Node, caps: &Caps) -> Result<Cmd, CompileError> {
        let mut t = Tags::split(n)?;
        let cmd = match n.name.as_str() {
            "stop" => t.finish(0).map(|_| Cmd::Stop)?,
            "keep" => {
                let flags = self.flags_tag(&mut t, caps)?;
                t.finish(0)?;
                Cmd::Keep { flags }
            }
            "discard" => t.finish(0).map(|_| Cmd::Discard)?,
            "fileinto" => {
                caps.need("fileinto", n.pos, "fileinto")?;
                let flags = self.flags_tag(&mut t, caps)?;
                let copy = self.copy_tag(&mut t, caps)?;
                let create = match t.flag("create") {
                    Some(p) => caps.need("mailbox", p, ":create").map(|_| true)?,
                    None => false,
                };
                t.finish(1)?;
                Cmd::FileInto {
                    mailbox: t.pos_string(0)?,
                    flags,
                    create,
                    copy,
                }
            }
            "redirect" => {
                let copy = self.copy_tag(&mut t, caps)?;
                t.finish(1)?;
                let address = t.pos_string(0)?;
                if !caps.has("variables") && !plausible_address(&address) {
                    return Err(err(n.pos, format!("redirect: invalid address '{address}'")));
                }
                Cmd::Redirect { address, copy }
            }
            "reject" | "ereject" => {
                caps.need(&n.name, n.pos, &n.name)?;
                t.finish(1)?;
                Cmd::Reject {
                    reason: t.pos_string(0)?,
                    extended: n.name == "ereject",
                }
            }
            "setflag" | "addflag" | "removeflag" => self.flag_cmd(&t, caps)?,
            "set" => self.set(&mut t, caps)?,
            "vacation" => self.vacation(&mut t, caps)?,
            "addheader" | "deleteheader" => self.editheader(&mut t, caps)?,
            "include" => self.include(&mut t, caps)?,
            "return" => {
                caps.need("include", n.pos, "return")?;
                t.finish(0)?;
                Cmd::Return
            }
            "global" => {
                caps.need("include", n.pos, "global")?;
                caps.need("variables", n.pos, "global")?;
                t.finish(1)?;
                let names = t.pos_list(0)?;
                for v in &names {
                    if !super::variables::valid_name(v) {
                        return Err(err(n.pos, format!("global: invalid variable name '{v}'")));
                    }
                }
                Cmd::Global(names)
            }
            _ => return Err(err(n.pos, format!("unknown command '{}'", n.name))),
        };
        Ok(cmd)
    }

    fn flags_tag(&self, t: &mut Tags, caps: &Caps) -> Result<Option<Vec<String>>, CompileError> {
        if let Some((_, p)) = t.tags_pos("flags") {
            caps.need("imap4flags", p, ":flags")?;
        }
        t.list("flags")
    }

    fn copy_tag(&self, t: &mut Tags, caps: &Caps) -> Result<bool, CompileError> {
        match t.flag("copy") {
            Some(p) => caps.need("copy", p, ":copy").map(|_| true),
            None => Ok(false),
        }
    }

    fn flag_cmd(&self, t: &Tags, caps: &Caps) -> Result<Cmd, CompileError> {
        caps.need("imap4flags", t.pos, &t.name)?;
        t.finish(t.rest.len().clamp(1, 2))?;
        let op = match t.name.as_str() {
            "setflag" => FlagOp::Set,
            "addflag" => FlagOp::Add,
            _ => FlagOp::Remove,
        };
        let (var, flags) = if t.rest.len() == 2 {
            caps.need("variables", t.pos, "a flag variable")?;
            let v = t.pos_string(0)?;
            if !super::variables::valid_name(&v) {
                return Err(err(t.pos, format!("invalid variable name '{v}'")));
            }
            (Some(v), t.pos_list(1)?)
        } else {
            (None, t.pos_list(0)?)
        };
        Ok(Cmd::Flags { op, var, flags })
    }

    fn set(&self, t: &mut Tags, caps: &Caps) -> Result<Cmd, CompileError> {
        caps.need("variables", t.pos, "set")?;
        let mut mods = Vec::new();
        for (name, m) in [
            ("lower", Modifier::Lower),
            ("upper", Modifier::Upper),
            ("lowerfirst", Modifier::LowerFirst),
            ("upperfirst", Modifier::UpperFirst),
            ("quotewildcard", Modifier::QuoteWildcard),
            ("quoteregex", Modifier::QuoteRegex),
            ("length", Modifier::Length),
        ] {
            if let Some(p) = t.flag(name) {
                if m == Modifier::QuoteRegex {
                    caps.need("regex", p, ":quoteregex")?;
                }
                if mods
                    .iter()
                    .any(|x: &Modifier| x.precedence() == m.precedence())
                {
                    return Err(err(p, "set: two modifiers of the same precedence"));
                }
                mods.push(m);
            }
        }
        mods.sort_by_key(|m| std::cmp::Reverse(m.precedence()));
        t.finish(2)?;
        let name = t.pos_string(0)?;
        // The only namespace known is RFC 6609's "global".
        let bad_namespace = name.contains('.') && !name.to_ascii_lowercase().starts_with("global.");
        if !super::variables::valid_name(&name) || bad_namespace {
            return Err(err(t.pos, format!("set: invalid variable name '{name}'")));
        }
        Ok(Cmd::Set {
            name,
            value: t.pos_string(1)?,
            mods,
        })
    }

    fn vacation(&self, t: &mut Tags, caps: &Caps) -> Result<Cmd, CompileError> {
        caps.need("vacation", t.pos, "vacation")?;
        let days = t.number("days")?;
        let seconds_pos = t.tags_pos("seconds").map(|(_, p)| p);
        let seconds = t.number("seconds")?;
        if let Some(p) = seconds_pos {
            caps.need("vacation-seconds", p, ":seconds")?;
            if days.is_some() {
                return Err(err(p, "vacation: :days and :seconds together"));
            }
        }
        let spec = VacationSpec {
            days,
            seconds,
            subject: t.string("subject")?,
            from: t.string("from")?,
            addresses: t.list("addresses")?.unwrap_or_default(),
            mime: t.flag("mime").is_some(),
            handle: t.string("handle")?,
            reason: String::new(),
        };
        t.finish(1)?;
        Ok(Cmd::Vacation(Box::new(VacationSpec {
            reason: t.pos_string(0)?,
            ..spec
        })))
    }

    fn include(&mut self, t: &mut Tags, caps: &Caps) -> Result<Cmd, CompileError> {
        caps.need("include", t.pos, "include")?;
        let personal = t.flag("personal");
        let global = t.flag("global");
        if let (Some(_), Some(p)) = (personal, global) {
            return Err(err(p, "include: :personal and :global together"));
        }
        let once = t.flag("once").is_some();
        let optional = t.flag("optional").is_some();
        t.finish(1)?;
        let name = t.pos_string(0)?;
        if name.is_empty() || name.contains('/') || name.contains("${") {
            return Err(err(t.pos, format!("include: invalid script name '{name}'")));
        }
        let loc = if global.is_some() {
            Location::Global
        } else {
            Location::Personal
        };
        let key = (loc, name.clone());
        if self.stack.contains(&key) {
            return Err(err(t.pos, format!("include: circular include of '{name}'")));
        }
        if let Some(&i) = self.by_name.get(&key) {
            return Ok(Cmd::Include {
                script: Some(i),
                once,
            });
        }
        if self.stack.len() + 1 > self.limits.max_include_depth {
            return Err(err(t.pos, "include: nested too deeply"));
        }
        if self.by_name.len() + 1 > self.limits.max_includes {
            return Err(err(t.pos, "include: too many included scripts"));
        }
        let src = self.resolver.and_then(|r| r.resolve(loc, &name));
        let Some(src) = src else {
            if optional {
                return Ok(Cmd::Include { script: None, once });
            }
            return Err(err(
                t.pos,
                format!("include: script '{name}' does not exist"),
            ));
        };
        self.stack.push(key.clone());
        let r = self.script(&src, &name);
        self.stack.pop();
        let i = r.map_err(|e| {
            err(
                t.pos,
                format!("include '{name}': line {}: {}", e.line, e.message),
            )
        })?;
        self.by_name.insert(key, i);
        Ok(Cmd::Include {
            script: Some(i),
            once,
        })
    }
}

impl Tags {
    pub(crate) fn tags_pos(&self, name: &str) -> Option<(&str, Pos)> {
        self.tags
            .iter()
            .find(|(t, _, _)| t == name)
            .map(|(t, p, _)| (t.as_str(), *p))
    }
}

/// Enough of RFC 5321 §4.1.2 to refuse what is plainly not an address, as Pigeonhole does.
fn plausible_address(a: &str) -> bool {
    let a = a.trim();
    match a.rsplit_once('@') {
        Some((l, d)) => !l.is_empty() && !d.is_empty() && !a.contains(char::is_whitespace),
        None => false,
    }
}

fn requires_encoded(nodes: &[Node]) -> bool {
    nodes.iter().take_while(|n| n.name == "require").any(|n| {
        n.args
            .iter()
            .any(|a| matches!(a, Arg::Str(v, _, _) if v.iter().any(|s| s == "encoded-character")))
    })
}

/// RFC 5228 §2.4.2.4 applies to every string once the script requires it.
fn decode_node(n: &mut Node) {
    for a in &mut n.args {
        if let Arg::Str(v, _, _) = a {
            v.iter_mut()
                .for_each(|s| *s = super::variables::decode_encoded(s));
        }
    }
    n.tests.iter_mut().for_each(decode_node);
    if let Some(b) = &mut n.block {
        b.iter_mut().for_each(decode_node);
    }
}
