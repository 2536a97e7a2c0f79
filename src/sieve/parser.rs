//! The Sieve grammar (RFC 5228 §8.2) to a generic tree: commands with arguments, tests and
//! blocks. Nesting is bounded here so a hostile script cannot overflow the stack.
//!
//! Not here: what the commands mean (validate.rs).

use super::lexer::{Lexer, Pos, Tok};
use super::{CompileError, Limits};

#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Tag(String, Pos),
    Num(u64, Pos),
    Str(Vec<String>, bool, Pos),
}

impl Arg {
    pub(crate) fn pos(&self) -> Pos {
        match self {
            Arg::Tag(_, p) | Arg::Num(_, p) | Arg::Str(_, _, p) => *p,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub name: String,
    pub pos: Pos,
    pub args: Vec<Arg>,
    pub tests: Vec<Node>,
    pub block: Option<Vec<Node>>,
}

pub(crate) struct Parser<'a> {
    lex: Lexer<'a>,
    ahead: Option<(Tok, Pos)>,
    end: Pos,
    max_depth: usize,
}

fn err(pos: Pos, msg: impl Into<String>) -> CompileError {
    CompileError {
        line: pos.line,
        column: pos.column,
        message: msg.into(),
    }
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str, limits: &Limits) -> Self {
        Parser {
            lex: Lexer::new(src, limits),
            ahead: None,
            end: Pos::default(),
            max_depth: limits.max_nesting,
        }
    }

    fn peek(&mut self) -> Result<Option<&(Tok, Pos)>, CompileError> {
        if self.ahead.is_none() {
            self.ahead = self.lex.next()?;
        }
        Ok(self.ahead.as_ref())
    }

    fn take(&mut self) -> Result<Option<(Tok, Pos)>, CompileError> {
        self.peek()?;
        let t = self.ahead.take();
        if let Some((_, p)) = &t {
            self.end = *p;
        }
        Ok(t)
    }

    fn is_punct(&mut self, c: u8) -> Result<bool, CompileError> {
        Ok(matches!(self.peek()?, Some((Tok::Punct(p), _)) if *p == c))
    }

    pub(crate) fn script(mut self) -> Result<Vec<Node>, CompileError> {
        let cmds = self.commands(0)?;
        if let Some((t, p)) = self.take()? {
            return Err(err(p, format!("unexpected {}", describe(&t))));
        }
        Ok(cmds)
    }

    fn commands(&mut self, depth: usize) -> Result<Vec<Node>, CompileError> {
        let mut out = Vec::new();
        while let Some((Tok::Ident(_), _)) = self.peek()? {
            out.push(self.command(depth)?);
        }
        Ok(out)
    }

    fn command(&mut self, depth: usize) -> Result<Node, CompileError> {
        let Some((Tok::Ident(name), pos)) = self.take()? else {
            return Err(err(self.end, "expected a command"));
        };
        let (args, tests) = self.arguments(depth)?;
        let block = match self.take()? {
            Some((Tok::Punct(b';'), _)) => None,
            Some((Tok::Punct(b'{'), p)) => {
                if depth + 1 > self.max_depth {
                    return Err(err(p, "blocks nested too deeply"));
                }
                let body = self.commands(depth + 1)?;
                match self.take()? {
                    Some((Tok::Punct(b'}'), _)) => Some(body),
                    Some((t, p)) => {
                        return Err(err(p, format!("expected '}}' but found {}", describe(&t))));
                    }
                    None => return Err(err(self.end, "expected '}' but found end of script")),
                }
            }
            Some((t, p)) => {
                return Err(err(
                    p,
                    format!("expected ';' or '{{' but found {}", describe(&t)),
                ));
            }
            None => return Err(err(self.end, "expected ';' but found end of script")),
        };
        Ok(Node {
            name,
            pos,
            args,
            tests,
            block,
        })
    }

    fn arguments(&mut self, depth: usize) -> Result<(Vec<Arg>, Vec<Node>), CompileError> {
        let mut args = Vec::new();
        while let Some((t, p)) = self.peek()?.cloned() {
            match t {
                Tok::Tag(name) => {
                    self.take()?;
                    args.push(Arg::Tag(name, p));
                }
                Tok::Num(n) => {
                    self.take()?;
                    args.push(Arg::Num(n, p));
                }
                Tok::Str(s) => {
                    self.take()?;
                    args.push(Arg::Str(vec![s], false, p));
                }
                Tok::Punct(b'[') => {
                    self.take()?;
                    args.push(Arg::Str(self.string_list(p)?, true, p));
                }
                _ => break,
            }
        }
        let mut tests = Vec::new();
        if self.is_punct(b'(')? {
            tests = self.test_list(depth)?;
        } else if let Some((Tok::Ident(_), _)) = self.peek()? {
            tests.push(self.test(depth)?);
        }
        Ok((args, tests))
    }

    fn string_list(&mut self, open: Pos) -> Result<Vec<String>, CompileError> {
        let mut out = Vec::new();
        loop {
            match self.take()? {
                Some((Tok::Str(s), _)) => out.push(s),
                Some((t, p)) => {
                    return Err(err(
                        p,
                        format!("expected a string but found {}", describe(&t)),
                    ));
                }
                None => return Err(err(open, "unterminated string list")),
            }
            match self.take()? {
                Some((Tok::Punct(b','), _)) => {}
                Some((Tok::Punct(b']'), _)) => return Ok(out),
                Some((t, p)) => {
                    return Err(err(
                        p,
                        format!("expected ',' or ']' but found {}", describe(&t)),
                    ));
                }
                None => return Err(err(open, "unterminated string list")),
            }
        }
    }

    fn test_list(&mut self, depth: usize) -> Result<Vec<Node>, CompileError> {
        let Some((_, open)) = self.take()? else {
            return Err(err(self.end, "expected '('"));
        };
        let mut out = Vec::new();
        loop {
            out.push(self.test(depth)?);
            match self.take()? {
                Some((Tok::Punct(b','), _)) => {}
                Some((Tok::Punct(b')'), _)) => return Ok(out),
                Some((t, p)) => {
                    return Err(err(
                        p,
                        format!("expected ',' or ')' but found {}", describe(&t)),
                    ));
                }
                None => return Err(err(open, "unterminated test list")),
            }
        }
    }

    fn test(&mut self, depth: usize) -> Result<Node, CompileError> {
        let (name, pos) = match self.take()? {
            Some((Tok::Ident(n), p)) => (n, p),
            Some((t, p)) => {
                return Err(err(
                    p,
                    format!("expected a test but found {}", describe(&t)),
                ));
            }
            None => return Err(err(self.end, "expected a test but found end of script")),
        };
        if depth + 1 > self.max_depth {
            return Err(err(pos, "tests nested too deeply"));
        }
        let (args, tests) = self.arguments(depth + 1)?;
        Ok(Node {
            name,
            pos,
            args,
            tests,
            block: None,
        })
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Ident(s) => format!("identifier '{s}'"),
        Tok::Tag(s) => format!("tag ':{s}'"),
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(_) => "a string".into(),
        Tok::Punct(c) => format!("'{}'", *c as char),
    }
}
