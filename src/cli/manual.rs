//! The parts of the manual that clap does not know: examples for each command (shown by
//! `--help` and in the man pages), and the man-page sections every page shares (EXIT STATUS,
//! ENVIRONMENT, FILES, SEE ALSO), plus `mailctl-settings(5)`, the page of every `config` key.
//!
//! Not here: option and argument descriptions, which stay on the clap definitions so that
//! `--help`, completions and man pages come from one source.

use std::io::Write;
use std::path::Path;

use clap::Command;

/// Examples per command path (`"mailctl user add"`): what it does, then the command line.
/// Every one of them is a real invocation of the current syntax.
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (
        "mailctl",
        &[
            ("Try it locally, nothing to set up", "mailctl serve --dev"),
            ("Set up a server", "mailctl setup"),
            ("What is configured and running", "mailctl status"),
        ],
    ),
    (
        "mailctl setup",
        &[
            ("Ask the questions interactively", "mailctl setup"),
            (
                "The same from a script",
                "printf '%s\\n' \"$PW\" | mailctl setup --non-interactive --hostname mail.example.org --domain example.org --admin me@example.org --password-stdin --tls self-signed",
            ),
        ],
    ),
    (
        "mailctl serve",
        &[
            ("Run every service configured", "mailctl serve"),
            ("Only SMTP and IMAP", "mailctl serve smtp imap"),
            ("A local demo on loopback ports", "mailctl serve --dev"),
        ],
    ),
    (
        "mailctl domain add",
        &[(
            "Receive mail for a domain",
            "mailctl domain add example.org",
        )],
    ),
    (
        "mailctl user add",
        &[
            (
                "Create a mailbox, password from a script",
                "printf '%s\\n' \"$PW\" | mailctl user add alice@example.org --password-stdin --quota 2G",
            ),
            (
                "Create one with a generated password (printed once)",
                "mailctl user add bob@example.org --random-password",
            ),
            (
                "Keep a password hash from Dovecot",
                "mailctl user add carl@example.org --password-hash '{SHA512-CRYPT}$6$...'",
            ),
        ],
    ),
    (
        "mailctl user set",
        &[
            (
                "Raise a quota",
                "mailctl user set alice@example.org --quota 5G",
            ),
            (
                "Stop a mailbox from logging in and receiving",
                "mailctl user set bob@example.org --disable",
            ),
        ],
    ),
    (
        "mailctl user import",
        &[(
            "Create many mailboxes (address,password_or_hash[,quota] per line)",
            "mailctl user import users.csv",
        )],
    ),
    (
        "mailctl alias add",
        &[
            (
                "A distribution list",
                "mailctl alias add team@example.org alice@example.org bob@example.org",
            ),
            (
                "Catch every unknown address of a domain",
                "mailctl alias add @example.org alice@example.org",
            ),
        ],
    ),
    (
        "mailctl config set",
        &[
            (
                "Let a network relay without logging in",
                "mailctl config set mynetworks 192.0.2.0/28",
            ),
            (
                "Send outbound mail through a smarthost",
                "mailctl config set relay.host smtp.provider.example",
            ),
        ],
    ),
    (
        "mailctl queue list",
        &[
            ("Everything queued", "mailctl queue list"),
            (
                "Only what is waiting for a retry",
                "mailctl queue list --deferred",
            ),
        ],
    ),
    (
        "mailctl queue delete",
        &[("Drop every queued message", "mailctl queue delete --all")],
    ),
    (
        "mailctl dns check",
        &[
            ("Check a domain's records", "mailctl dns check example.org"),
            (
                "Ask a given resolver, with this server's address",
                "mailctl dns check example.org --ip 192.0.2.10 --nameserver 127.0.0.1",
            ),
        ],
    ),
    (
        "mailctl check message",
        &[
            (
                "What the server would do with a message from 192.0.2.7",
                "mailctl check message msg.eml --ip 192.0.2.7 --helo mail.sender.example --from alice@sender.example --to bob@example.org",
            ),
            (
                "The same against a given resolver, as JSON",
                "mailctl --json check message msg.eml --ip 192.0.2.7 --helo mail.sender.example --from alice@sender.example --to bob@example.org --nameserver 127.0.0.1:53",
            ),
        ],
    ),
    (
        "mailctl greylist",
        &[
            (
                "Turn greylisting on (with the inbound checks)",
                "mailctl config set inbound.greylist true",
            ),
            ("What it remembers", "mailctl greylist list"),
            (
                "Never greylist a partner's mail servers",
                "mailctl greylist allow 198.51.100.0/24",
            ),
            (
                "Never greylist mail from a sender domain",
                "mailctl greylist allow example.net",
            ),
            (
                "Greylist a network again from scratch",
                "mailctl greylist remove 198.51.100.0/24",
            ),
        ],
    ),
    (
        "mailctl dnsbl",
        &[
            (
                "What the configured lists say about a client",
                "mailctl dnsbl test 192.0.2.7",
            ),
            (
                "The same through a local resolver, as JSON",
                "mailctl --json dnsbl test 192.0.2.7 --nameserver 127.0.0.1:53",
            ),
            (
                "Refuse listed clients at RCPT (the default)",
                "mailctl config set inbound.dnsbl_action reject",
            ),
        ],
    ),
    (
        "mailctl dns records",
        &[("The records to publish", "mailctl dns records example.org")],
    ),
    (
        "mailctl dns bl",
        &[(
            "Is this server's address on a blocklist?",
            "mailctl dns bl 192.0.2.10",
        )],
    ),
    (
        "mailctl dkim generate",
        &[(
            "A signing key and the record to publish",
            "mailctl dkim generate example.org",
        )],
    ),
    (
        "mailctl maildir check",
        &[
            (
                "Find problems in a mailbox",
                "mailctl maildir check alice@example.org",
            ),
            (
                "Fix what is safe to fix (never deletes a message)",
                "mailctl maildir check alice@example.org --repair",
            ),
        ],
    ),
    (
        "mailctl maildir import-mbox",
        &[
            (
                "Import an mbox into a folder",
                "mailctl maildir import-mbox alice@example.org old.mbox --folder Archive",
            ),
            (
                "From standard input, written by Python's mailbox module (mboxo)",
                "mailctl maildir import-mbox alice@example.org - --format mboxo",
            ),
        ],
    ),
    (
        "mailctl import dovecot",
        &[
            (
                "Dovecot's users and mail (mail_location = maildir:/var/vmail/%d/%n/Maildir)",
                "mailctl import dovecot /var/vmail --domain example.org --layout %d/%n/Maildir --passwd-file /etc/dovecot/users",
            ),
            (
                "One user, Maildirs in home directories, the user created beforehand",
                "mailctl import dovecot /home --domain example.org --user alice",
            ),
        ],
    ),
    (
        "mailctl import imap",
        &[
            (
                "One account from the old server into the same address here",
                "printf '%s\\n' \"$PW\" | mailctl import imap imaps://alice@example.org@old.example.org --password-stdin",
            ),
            (
                "Every account listed in a CSV (source_user,password[,to_address])",
                "mailctl import imap imaps://old.example.org --all-users-from users.csv",
            ),
        ],
    ),
    (
        "mailctl maildir export-mbox",
        &[(
            "Export the inbox to standard output",
            "mailctl maildir export-mbox alice@example.org INBOX - > inbox.mbox",
        )],
    ),
    (
        "mailctl test",
        &[
            (
                "Check a submission port end to end",
                "printf '%s\\n' \"$PW\" | mailctl test smtp mail.example.org:587 --starttls --user alice@example.org --password-stdin",
            ),
            (
                "Check IMAPS",
                "mailctl test imap mail.example.org:993 --tls",
            ),
        ],
    ),
    (
        "mailctl backup",
        &[
            (
                "Back up while the server runs (messages hard-linked on the same disk)",
                "mailctl backup /srv/backup/mail-2026-12-06",
            ),
            (
                "Only the messages that are new since the last backup, packed",
                "mailctl backup /srv/backup/mail-2026-12-07.tar.zst --incremental-from /srv/backup/mail-2026-12-06",
            ),
            (
                "Check every file against the manifest",
                "mailctl backup --verify /srv/backup/mail-2026-12-06",
            ),
        ],
    ),
    (
        "mailctl restore",
        &[(
            "Restore onto a fresh box",
            "mailctl restore /srv/backup/mail-2026-12-06.tar.zst --data-dir /var/lib/mailctl",
        )],
    ),
    (
        "mailctl upgrade",
        &[
            (
                "What this mailctl would migrate, before starting it",
                "mailctl upgrade --check",
            ),
            (
                "Go back to the database copy kept before the last migration",
                "mailctl upgrade --restore-snapshot",
            ),
        ],
    ),
    (
        "mailctl completions",
        &[(
            "Install bash completions",
            "mailctl completions bash > /usr/share/bash-completion/completions/mailctl",
        )],
    ),
    (
        "mailctl man",
        &[(
            "Write the pages (mailctl*.1, mailctl-settings.5) into a directory",
            "mailctl man ./man",
        )],
    ),
];

fn examples(path: &str) -> &'static [(&'static str, &'static str)] {
    EXAMPLES
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(&[], |(_, e)| e)
}

/// Adds each command's examples to its `--help` (long help), recursively.
pub fn with_examples(cmd: Command) -> Command {
    decorate(cmd, "mailctl")
}

fn decorate(mut cmd: Command, path: &str) -> Command {
    let ex = examples(path);
    if !ex.is_empty() {
        let mut text = String::from("Examples:\n");
        for (what, line) in ex {
            text.push_str(&format!("  # {what}\n  {line}\n"));
        }
        cmd = cmd.after_long_help(text);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = format!("{path} {name}");
        cmd = cmd.mut_subcommand(&name, |s| decorate(s, &sub_path));
    }
    cmd
}

/// Writes `mailctl.1`, one `mailctl-<path>.1` per subcommand, and `mailctl-settings.5`.
pub fn write_man_pages(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut cmd = super::command().disable_help_subcommand(true);
    cmd.build();
    write_page(&cmd, "mailctl", dir)?;
    let mut f = std::fs::File::create(dir.join("mailctl-settings.5"))?;
    f.write_all(settings_page().as_bytes())
}

fn write_page(cmd: &Command, path: &str, dir: &Path) -> std::io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_page(sub, &format!("{path} {}", sub.get_name()), dir)?;
    }
    // Man::render would print the long help's examples as an "EXTRA" section and stop there,
    // so the page is put together section by section.
    let man = clap_mangen::Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut page)?;
    }
    let ex = examples(path);
    if !ex.is_empty() {
        page.extend_from_slice(b".SH EXAMPLES\n");
        for (what, line) in ex {
            page.extend_from_slice(
                format!(
                    ".PP\n{}\n.PP\n.RS 4\n.EX\n{}\n.EE\n.RE\n",
                    roff(what),
                    roff(line)
                )
                .as_bytes(),
            );
        }
    }
    page.extend_from_slice(COMMON_SECTIONS.as_bytes());
    std::fs::write(dir.join(man.get_filename()), page)
}

/// EXIT STATUS, ENVIRONMENT, FILES and SEE ALSO: the same on every page (DESIGN.md §2-§3).
const COMMON_SECTIONS: &str = r#".SH EXIT STATUS
.TP
.B 0
Success.
.TP
.B 1
The thing asked or checked failed (for example \fBdns check\fR found a failing record, or
\fBuser add\fR of an existing user). The error is printed on standard error with a hint.
.TP
.B 2
Usage error: an unknown option, a malformed argument or value.
.SH ENVIRONMENT
.TP
.B MAILCTL_DATA_DIR
The data directory when \fB\-\-data\-dir\fR is not given.
.TP
.B XDG_DATA_HOME
For users other than root, the data directory defaults to \fI$XDG_DATA_HOME/mailctl\fR
(or \fI~/.local/share/mailctl\fR).
.TP
.B NO_COLOR
When set, output has no colours. Colours and progress bars appear only on a terminal.
.TP
.B MAILCTL_LOG
Log filter of the daemons in tracing's EnvFilter syntax (for example \fBmailctl=debug\fR); they log to standard error.
.SH FILES
.TP
.I /var/lib/mailctl
The data directory of a server run as root.
.TP
.I DATA/mailctl.db
The SQLite database: domains, users, aliases, settings, the queue's envelopes, bans.
.TP
.I DATA/queue/
Spooled messages, one file each, fsynced before they are acknowledged.
.TP
.I DATA/mail/DOMAIN/LOCAL/
Each mailbox, a Maildir (cur/ new/ tmp/, Maildir++ folders such as .Sent and .Trash).
.TP
.I DATA/tls/ \fRand\fP DATA/dkim/
Certificates, TLS keys and DKIM signing keys (mode 0600).
.SH SEE ALSO
\fBmailctl\fR(1), \fBmailctl\-settings\fR(5), \fBmailctl\-serve\fR(1), \fBmailctl\-setup\fR(1)
"#;

/// Escapes text for a roff line: backslashes, hyphens and a leading dot or quote.
fn roff(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\e"),
            '-' => out.push_str("\\-"),
            _ => out.push(c),
        }
    }
    if out.starts_with('.') || out.starts_with('\'') {
        out.insert_str(0, "\\&");
    }
    out
}

/// `mailctl-settings(5)`: every `config` key with its type, default and meaning, from the same
/// registry `config list` prints.
fn settings_page() -> String {
    let mut page = String::from(
        ".TH MAILCTL-SETTINGS 5 \"\" mailctl\n.SH NAME\nmailctl\\-settings \\- the settings of mailctl\n\
         .SH DESCRIPTION\nSettings live in the data directory's database and are changed with \
         \\fBmailctl config set\\fR \\fIKEY VALUE\\fR; \\fBmailctl config list\\fR prints them with \
         their current values. Values are checked when set; unknown keys are refused.\n.SH KEYS\n",
    );
    for s in crate::core::settings::SETTINGS {
        let default = if s.default.is_empty() {
            "empty".to_string()
        } else {
            format!("\\fB{}\\fR", roff(s.default))
        };
        page.push_str(&format!(
            ".TP\n.B {}\n({}; default {}) {}\n",
            roff(s.key),
            roff(&s.kind.describe()),
            default,
            roff(s.doc)
        ));
    }
    page.push_str(COMMON_SECTIONS);
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_names_a_real_command_and_parses() {
        let cmd = super::super::command();
        for (path, examples) in EXAMPLES {
            let mut c = &cmd;
            for word in path.split(' ').skip(1) {
                c = c
                    .find_subcommand(word)
                    .unwrap_or_else(|| panic!("{path}: no such command"));
            }
            for (_, line) in *examples {
                // Lines with shell syntax around them are checked up to the pipe / redirection.
                let line = line.rsplit("| ").next().unwrap_or(line);
                let line = line.split(" >").next().unwrap_or(line);
                let argv: Vec<String> = line
                    .split_whitespace()
                    .map(|w| w.trim_matches('\'').to_string())
                    .collect();
                assert_eq!(argv[0], "mailctl", "{line}");
                if let Err(e) = cmd.clone().try_get_matches_from(&argv) {
                    panic!("example `{line}` does not parse: {e}");
                }
            }
        }
    }

    #[test]
    fn roff_escapes_what_roff_would_eat() {
        assert_eq!(roff(".hidden"), "\\&.hidden");
        assert_eq!(roff("a-b\\c"), "a\\-b\\ec");
    }
}

#[cfg(test)]
mod help_tests {
    /// Every argument and option of every command says what it is (`--help` and the man pages
    /// print nothing for one that does not).
    #[test]
    fn every_argument_has_a_description() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if cmd.get_about().is_none() && path != "mailctl" {
                missing.push(format!("{path} (the command itself)"));
            }
            for a in cmd.get_arguments() {
                if !a.is_hide_set() && a.get_help().is_none() && a.get_long_help().is_none() {
                    missing.push(format!("{path} {}", a.get_id()));
                }
            }
            for s in cmd.get_subcommands() {
                walk(s, &format!("{path} {}", s.get_name()), missing);
            }
        }
        let mut missing = Vec::new();
        let mut cmd = super::super::command();
        cmd.build();
        walk(&cmd, "mailctl", &mut missing);
        assert!(missing.is_empty(), "no description: {missing:#?}");
    }
}
