//! The pages, as maud templates checked at compile time: everything interpolated is
//! HTML-escaped except the sanitiser's output (`render::sanitize_html`), the one
//! `PreEscaped` here. Plain forms and links: every page works without JavaScript, and
//! none is sent (the Content-Security-Policy allows no script).
//!
//! Not here: what the pages show (the handlers gather it), reading mail.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::order::{ListKey, ListOrder};
use super::render::View;
use super::store::{Folder, Page};

/// `s` percent-encoded for one URL path segment or query value.
pub fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The frame of every page: title, the user's bar (with the logout form) when logged in.
pub fn layout(title: &str, user: Option<(&str, &str)>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — mailctl" }
                link rel="stylesheet" href="/static/style.css";
            }
            body {
                @if let Some((address, csrf)) = user {
                    header {
                        span.user { (address) }
                        nav.top { a href="/mail/INBOX" { "Mail" } " " a href="/settings" id="nav-settings" { "Settings" } " " a href="/admin" id="nav-admin" { "Admin" } }
                        form method="post" action="/logout" {
                            input type="hidden" name="csrf" value=(csrf);
                            button type="submit" id="logout" { "Log out" }
                            button type="submit" name="everywhere" value="1" { "Log out everywhere" }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub fn login(token: &str, error: Option<&str>) -> Markup {
    layout(
        "Log in",
        None,
        html! {
            h1 { "Log in" }
            @if let Some(e) = error { p.error id="error" { (e) } }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(token);
                label { "Address " input type="email" name="user" id="user" autocomplete="username" required; }
                label { "Password " input type="password" name="password" id="password" autocomplete="current-password" required; }
                button type="submit" id="login" { "Log in" }
            }
        },
    )
}

/// A short page for errors (not found, refused, busy).
pub fn message_page(title: &str, text: &str) -> Markup {
    layout(
        title,
        None,
        html! { h1 { (title) } p { (text) } p { a href="/" { "Back" } } },
    )
}

fn folder_list(folders: &[Folder], current: &str) -> Markup {
    html! {
        nav.folders {
            ul {
                @for f in folders {
                    li.current[f.name == current] {
                        a href={ "/mail/" (enc(&f.name)) } { (f.name) }
                        @if f.unseen > 0 { " " span.unseen { "(" (f.unseen) ")" } }
                    }
                }
            }
        }
    }
}

/// The list's column headers: links that sort by the column, or flip the current one
/// (`order::ListOrder::click`), keeping the search.
fn list_head(base: &str, q: &str, order: ListOrder) -> Markup {
    html! {
        thead { tr {
            @for key in ListKey::ALL {
                @let current = key == order.key;
                th aria-sort=[current.then_some(if order.descending { "descending" } else { "ascending" })] {
                    a id={ "sort-" (key.name()) } href={ (base) "?" (q) (order.click(key).query()) "page=1" } {
                        (heading(key))
                        @if current { @if order.descending { " ↓" } @else { " ↑" } }
                    }
                }
            }
        } }
    }
}

fn heading(key: ListKey) -> &'static str {
    match key {
        ListKey::Date => "Date",
        ListKey::From => "From",
        ListKey::Subject => "Subject",
        ListKey::Size => "Size",
    }
}

pub fn mailbox(user: (&str, &str), folders: &[Folder], page: &Page) -> Markup {
    let base = format!("/mail/{}", enc(&page.folder));
    let q = if page.query.is_empty() {
        String::new()
    } else {
        format!("q={}&", enc(&page.query))
    };
    // What paging links keep: the search and the order.
    let kept = format!("{q}{}", page.order.query());
    layout(
        &page.folder,
        Some(user),
        html! {
            (folder_list(folders, &page.folder))
            section.list {
                (super::compose_page::list_tools(&page.folder, &page.query, page.order))
                h1 { (page.folder) " " small { (page.total) " messages" } }
                table id="messages" {
                    (list_head(&base, &q, page.order))
                    tbody {
                        @for r in &page.rows {
                            tr.unseen[!r.seen] {
                                td { (r.from) }
                                td { a href={ (base) "/" (r.uid) } { @if r.subject.is_empty() { "(no subject)" } @else { (r.subject) } } }
                                td { (r.date) }
                                td.size { (r.size) }
                            }
                        }
                    }
                }
                @if page.pages > 1 {
                    p.paging {
                        @if page.page > 1 { a rel="prev" href={ (base) "?" (kept) "page=" (page.page - 1) } { "Previous" } " " }
                        "Page " (page.page) " of " (page.pages)
                        @if page.page < page.pages { " " a rel="next" href={ (base) "?" (kept) "page=" (page.page + 1) } { "Next" } }
                    }
                }
            }
        },
    )
}

pub fn message(
    user: (&str, &str),
    folders: &[Folder],
    folder: &str,
    uid: u32,
    seen: bool,
    v: &View,
) -> Markup {
    let here = format!("/mail/{}/{uid}", enc(folder));
    let csrf = user.1;
    layout(
        if v.subject.is_empty() {
            "(no subject)"
        } else {
            &v.subject
        },
        Some(user),
        html! {
            (folder_list(folders, folder))
            article.message {
                h1 id="subject" { (v.subject) }
                dl.headers {
                    dt { "From" } dd id="from" { (v.from) }
                    dt { "To" } dd id="to" { (v.to) }
                    @if !v.cc.is_empty() { dt { "Cc" } dd { (v.cc) } }
                    dt { "Date" } dd id="date" { (v.date) }
                }
                form.actions method="post" action={ (here) "/flags" } {
                    input type="hidden" name="csrf" value=(csrf);
                    @if seen {
                        button type="submit" name="action" value="unread" id="mark-unread" { "Mark unread" }
                    } @else {
                        button type="submit" name="action" value="read" id="mark-read" { "Mark read" }
                    }
                    button type="submit" name="action" value="delete" id="delete" { "Delete" }
                }
                (super::compose_page::message_actions(csrf, folders, folder, uid))
                @if v.blocked_images > 0 {
                    p.images { (v.blocked_images) " remote images blocked. "
                        a id="show-images" href={ (here) "?images=1" } { "Show images" } }
                }
                @if let Some(h) = &v.html {
                    div.body.html id="body" { (PreEscaped(h)) }
                } @else if let Some(t) = &v.text {
                    pre.body id="body" { (t) }
                }
                @if !v.attachments.is_empty() {
                    ul.attachments {
                        @for a in &v.attachments {
                            li { a href={ (here) "/attachment/" (a.index) } { (a.name) } " (" (a.size) " bytes)" }
                        }
                    }
                }
                p { a href={ "/mail/" (enc(folder)) } { "Back to " (folder) } }
            }
        },
    )
}

/// The one stylesheet (`style-src 'self'`: no inline styles anywhere).
pub const STYLE: &str = "body{font-family:sans-serif;margin:0}header{display:flex;justify-content:space-between;padding:.5em 1em;background:#234;color:#fff}header form{display:inline}main{display:flex;gap:1em;padding:1em}nav.folders{min-width:12em}nav li.current{font-weight:bold}table{border-collapse:collapse;width:100%}td,th{padding:.2em .5em;text-align:left;border-bottom:1px solid #ddd}tr.unseen td{font-weight:bold}.error{color:#a00}label{display:block;margin:.5em 0}.body{border-top:1px solid #ccc;padding-top:1em;max-width:60em;overflow-wrap:anywhere}pre.body{white-space:pre-wrap}dl.headers{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dd{margin:0}\n";
