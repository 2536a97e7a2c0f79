//! The pages and page parts of writing and moving mail, as maud templates (everything
//! escaped; no mail content is shown here except as form values): the compose form, the
//! reply/forward/move/spam actions of a message page, the search box of a folder.
//!
//! Not here: the page frame and folder list (`pages`), the handlers (`compose`).

use maud::{Markup, html};

use super::compose::FormState;
use super::draft::{Draft, Mode};
use super::order::ListOrder;
use super::pages::{enc, layout};
use super::store::Folder;

pub fn compose(user: (&str, &str), d: &Draft, st: &FormState) -> Markup {
    let title = match st.mode {
        Mode::New => "New message",
        Mode::Reply | Mode::ReplyAll => "Reply",
        Mode::Forward => "Forward",
    };
    let orig = st
        .orig
        .as_ref()
        .map(|(f, uid)| format!("{f}/{uid}"))
        .unwrap_or_default();
    layout(
        title,
        Some(user),
        html! {
            section.compose {
                h1 { (title) }
                @if let Some(e) = &st.error { p.error id="error" { (e) } }
                form method="post" action="/compose" enctype="multipart/form-data" id="compose" {
                    input type="hidden" name="csrf" value=(user.1);
                    input type="hidden" name="mode" value=(st.mode.as_str());
                    input type="hidden" name="orig" value=(orig);
                    label { "From "
                        select name="from" id="from" {
                            @for a in &st.from_choices {
                                option value=(a) selected[*a == d.from] { (a) }
                            }
                            @if !st.from_choices.contains(&d.from) {
                                option value=(d.from) selected { (d.from) }
                            }
                        }
                    }
                    label { "To " input type="text" name="to" id="to" value=(d.to) size="60"; }
                    label { "Cc " input type="text" name="cc" id="cc" value=(d.cc) size="60"; }
                    label { "Bcc " input type="text" name="bcc" id="bcc" value=(d.bcc) size="60"; }
                    label { "Subject " input type="text" name="subject" id="subject" value=(d.subject) size="60"; }
                    textarea name="body" id="body" rows="18" cols="72" { (d.body) }
                    @if st.mode == Mode::Forward {
                        p { "The original's attachments are forwarded with it." }
                    }
                    label { "Attach files " input type="file" name="attachment" id="attachment" multiple; }
                    button type="submit" id="send" { "Send" }
                }
            }
        },
    )
}

/// Reply, reply all, forward, move and spam on a message page.
pub fn message_actions(csrf: &str, folders: &[Folder], folder: &str, uid: u32) -> Markup {
    let o = enc(&format!("{folder}/{uid}"));
    let junk = folders
        .iter()
        .any(|f| f.name == folder && f.special_use == Some("\\Junk"));
    html! {
        p.compose-actions {
            a id="reply" href={ "/compose?reply=" (o) } { "Reply" } " "
            a id="reply-all" href={ "/compose?replyall=" (o) } { "Reply all" } " "
            a id="forward" href={ "/compose?forward=" (o) } { "Forward" }
        }
        form.move method="post" action={ "/mail/" (enc(folder)) "/" (uid) "/move" } {
            input type="hidden" name="csrf" value=(csrf);
            select name="to" id="move-to" {
                @for f in folders.iter().filter(|f| f.name != folder) {
                    option value=(f.name) { (f.name) }
                }
            }
            button type="submit" name="action" value="move" id="move" { "Move" }
            @if junk {
                button type="submit" name="action" value="spam" id="not-spam" { "Not spam" }
            } @else {
                button type="submit" name="action" value="spam" id="spam" { "Spam" }
            }
        }
    }
}

/// The search box and the "new message" link above a folder's list.
pub fn list_tools(folder: &str, query: &str, order: ListOrder) -> Markup {
    html! {
        p.tools {
            a id="compose" href="/compose" { "New message" }
        }
        form.search method="get" action={ "/mail/" (enc(folder)) } {
            input type="search" name="q" id="q" value=(query) placeholder="Search";
            // A search keeps the list's order.
            @if !order.is_default() {
                input type="hidden" name="sort" value=(order.key.name());
                input type="hidden" name="order" value=(if order.descending { "desc" } else { "asc" });
            }
            button type="submit" id="search" { "Search" }
            @if !query.is_empty() { " " a href={ "/mail/" (enc(folder)) } { "Clear" } }
        }
    }
}
