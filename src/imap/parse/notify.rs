//! NOTIFY (RFC 5465 §8): `NOTIFY NONE` and `NOTIFY SET [STATUS] event-groups`.
//!
//! Syntax only, with limits on groups, mailboxes and events so a hostile command costs
//! bounded memory. An event this server does not report is not a syntax error: it comes
//! back as [`NotifyEvent::Unsupported`] and the session answers `NO [BADEVENT (...)]`
//! (RFC 5465 §5).

use super::lexer::{Cursor, PResult};
use crate::imap::command::{CommandBody, NotifyEvent, NotifyFilter, NotifyGroup, NotifySet};

/// Most event groups in one NOTIFY SET.
pub const MAX_GROUPS: usize = 32;
/// Most mailbox names in one NOTIFY SET, over all groups.
pub const MAX_MAILBOXES: usize = 1_000;

/// `notify = "NOTIFY" SP (notify-set / notify-none)`.
pub(super) fn notify(c: &mut Cursor<'_>) -> PResult<CommandBody> {
    c.sp()?;
    match c.keyword("SET or NONE")?.as_str() {
        "NONE" => Ok(CommandBody::Notify(None)),
        "SET" => {
            c.sp()?;
            let mut status = false;
            if !matches!(c.peek(), Some(b'(')) {
                let w = c.keyword("STATUS or an event group")?;
                if w != "STATUS" {
                    return Err(format!("expected STATUS or (, found {w}"));
                }
                status = true;
                c.sp()?;
            }
            let mut groups = Vec::new();
            let mut names = 0usize;
            loop {
                if groups.len() >= MAX_GROUPS {
                    return Err(format!("at most {MAX_GROUPS} event groups"));
                }
                groups.push(group(c, &mut names)?);
                if !c.eat(b' ') {
                    break;
                }
            }
            Ok(CommandBody::Notify(Some(NotifySet { status, groups })))
        }
        other => Err(format!("expected SET or NONE, found {other}")),
    }
}

/// `event-group = "(" filter-mailboxes SP events ")"`, `events = ( "(" event *(SP event)
/// ")" ) / "NONE"`.
fn group(c: &mut Cursor<'_>, names: &mut usize) -> PResult<NotifyGroup> {
    c.expect(b'(', "( to start an event group")?;
    let filter = match c.keyword("a mailbox filter")?.as_str() {
        "SELECTED" => NotifyFilter::Selected,
        "SELECTED-DELAYED" => NotifyFilter::SelectedDelayed,
        "INBOXES" => NotifyFilter::Inboxes,
        "PERSONAL" => NotifyFilter::Personal,
        "SUBSCRIBED" => NotifyFilter::Subscribed,
        "SUBTREE" => NotifyFilter::Subtree(mailboxes(c, names)?),
        "MAILBOXES" => NotifyFilter::Mailboxes(mailboxes(c, names)?),
        other => return Err(format!("unknown mailbox filter {other}")),
    };
    c.sp()?;
    let mut events = Vec::new();
    if c.eat(b'(') {
        loop {
            let e = event(c)?;
            if events.len() >= 16 {
                return Err("too many events in one group".into());
            }
            if !events.contains(&e) {
                events.push(e);
            }
            if c.eat(b')') {
                break;
            }
            c.list_sp()?;
        }
    } else {
        let w = c.keyword("NONE or a list of events")?;
        if w != "NONE" {
            return Err(format!("expected NONE or (, found {w}"));
        }
    }
    c.expect(b')', ") to end the event group")?;
    Ok(NotifyGroup { filter, events })
}

/// `one-or-more-mailbox = mailbox / "(" mailbox *(SP mailbox) ")"`.
fn mailboxes(c: &mut Cursor<'_>, names: &mut usize) -> PResult<Vec<String>> {
    c.sp()?;
    let mut out = Vec::new();
    let mut one = |c: &mut Cursor<'_>, out: &mut Vec<String>| -> PResult<()> {
        *names += 1;
        if *names > MAX_MAILBOXES {
            return Err(format!("at most {MAX_MAILBOXES} mailboxes"));
        }
        out.push(c.mailbox()?);
        Ok(())
    };
    if c.eat(b'(') {
        one(c, &mut out)?;
        while !c.eat(b')') {
            c.list_sp()?;
            one(c, &mut out)?;
        }
    } else {
        one(c, &mut out)?;
    }
    Ok(out)
}

/// One event; MessageNew may carry fetch attributes, parsed for syntax and dropped.
fn event(c: &mut Cursor<'_>) -> PResult<NotifyEvent> {
    let w = c.keyword("an event")?;
    Ok(match w.as_str() {
        "MESSAGENEW" => {
            if c.peek() == Some(b' ') && c.peek_at(1) == Some(b'(') {
                c.sp()?;
                skip_list(c)?;
            }
            NotifyEvent::MessageNew
        }
        "MESSAGEEXPUNGE" => NotifyEvent::MessageExpunge,
        "FLAGCHANGE" => NotifyEvent::FlagChange,
        "MAILBOXNAME" => NotifyEvent::MailboxName,
        "SUBSCRIPTIONCHANGE" => NotifyEvent::SubscriptionChange,
        _ => NotifyEvent::Unsupported,
    })
}

/// A parenthesised list of fetch attributes, skipped with its nesting bounded.
fn skip_list(c: &mut Cursor<'_>) -> PResult<()> {
    c.expect(b'(', "( to start the fetch attributes")?;
    let mut depth = 1usize;
    while depth > 0 {
        match c.peek() {
            None => return Err("unterminated fetch attribute list".into()),
            Some(b'(' | b'[') => depth += 1,
            Some(b')' | b']') => depth -= 1,
            _ => {}
        }
        if depth > 8 {
            return Err("fetch attributes nested too deeply".into());
        }
        c.eat(c.peek().unwrap_or(0));
    }
    Ok(())
}
