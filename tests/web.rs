//! Integration tests of `mailctl serve web`: the real binary on loopback ports, mail
//! delivered through its own SMTP listener, the pages fetched with curl (`web/http.rs`) and
//! driven in a real headless Chromium through WebDriver (`web/browser.rs`); what `setup`,
//! `autoconfig` and `dns records` say about webmail (`web/clients.rs`).
//! Needs curl, python3, chromium and chromium-driver (scripts/test installs them).

mod common;

#[path = "web/admin.rs"]
mod admin;
#[path = "web/admin_browser.rs"]
mod admin_browser;
#[path = "outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

#[path = "web/browser.rs"]
mod browser;
#[path = "web/browser_write.rs"]
mod browser_write;
#[path = "web/clients.rs"]
mod clients;
#[path = "web/compose.rs"]
mod compose;
#[path = "web/harness.rs"]
mod harness;
#[path = "web/http.rs"]
mod http;
#[path = "web/sort.rs"]
mod sort;
