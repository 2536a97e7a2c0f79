//! "Why didn't this mail arrive?": maps the replies remote servers actually give (and the
//! way our own attempts failed) to a cause and a fix, for `mailctl trace`. A pure function
//! over the attempts' reply texts; a table of rules, first match wins, so a new real-world
//! reply is one row and one test.
//!
//! Replies are read as RFC 5321 §4.2 reply codes with RFC 3463 enhanced status codes; the
//! vendor texts (Microsoft `S3140`, Gmail's `5.7.26`) are those their documentation names.
//!
//! Not here: reading the history (`core::history`), printing (`cli/trace.rs`).

use serde::Serialize;

/// What went wrong and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    /// A short stable name for scripts (`port25_blocked`, `gmail_unauthenticated`, ...).
    pub code: &'static str,
    pub cause: String,
    pub fix: String,
}

/// What the diagnosis looks at: every outbound attempt's reply, oldest first, and the
/// sender's domain (for the `dns check` the fix names).
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub replies: &'a [&'a str],
    pub sender_domain: &'a str,
}

struct Rule {
    code: &'static str,
    /// Whether the reply (lower-cased) is this case.
    matches: fn(&str) -> bool,
    cause: fn(&str) -> String,
    fix: fn(&str, &str) -> String,
}

fn has(reply: &str, words: &[&str]) -> bool {
    words.iter().any(|w| reply.contains(w))
}

/// The rules, most specific first.
const RULES: &[Rule] = &[
    Rule {
        code: "microsoft_blocklist",
        matches: |r| has(r, &["s3140", "s3150"]),
        cause: |_| {
            "Microsoft (Outlook.com/Hotmail/Office 365) blocks mail from this server's IP address (its own blocklist, S3140/S3150)".into()
        },
        fix: |_, _| {
            "ask Microsoft to delist the IP at https://sender.office.com (the delisting portal), and check `mailctl dns bl IP` for other lists; the mail is retried meanwhile (`mailctl queue retry ID` after delisting)".into()
        },
    },
    Rule {
        code: "gmail_unauthenticated",
        matches: |r| {
            has(r, &["5.7.26", "4.7.26", "5.7.27", "4.7.27"])
                || (r.starts_with("421")
                    && r.contains("4.7.0")
                    && has(
                        r,
                        &["unauthenticated", "authenticat", "spf", "dkim", "dmarc"],
                    ))
        },
        cause: |r| {
            format!(
                "the receiver found the message unauthenticated: {} did not pass",
                which_auth(r)
            )
        },
        fix: |r, domain| {
            format!(
                "fix {} for the sender's domain: `mailctl dns check {}` shows what to publish (and `mailctl dkim show {}` the DKIM record)",
                which_auth(r),
                or_domain(domain),
                or_domain(domain)
            )
        },
    },
    Rule {
        code: "tls_required",
        matches: |r| {
            has(
                r,
                &[
                    "must issue a starttls",
                    "5.7.0 must issue",
                    "starttls first",
                    "encryption required",
                    "5.7.11",
                    "tls required",
                ],
            )
        },
        cause: |_| "the receiver requires TLS and the attempt was in plaintext".into(),
        fix: |_, _| {
            "check that STARTTLS works towards it (`mailctl test smtp HOST:25 --starttls`); if the destination is in `delivery.plaintext_fallback`, remove it: `mailctl config unset delivery.plaintext_fallback`".into()
        },
    },
    Rule {
        code: "blocklisted",
        matches: |r| {
            (r.contains("5.7.1") || r.starts_with("554") || r.starts_with("550"))
                && blocklist_named(r).is_some()
        },
        cause: |r| {
            format!(
                "the receiver refuses this server's IP address because it is on the {} blocklist",
                blocklist_named(r).unwrap_or("a")
            )
        },
        fix: |r, _| {
            format!(
                "see why and request removal from {} (`mailctl dns bl IP` shows every list the IP is on); meanwhile `config set relay.mode relay` sends through a relay host",
                blocklist_named(r).unwrap_or("the list")
            )
        },
    },
    Rule {
        code: "greylisted",
        matches: |r| {
            r.starts_with('4')
                && has(
                    r,
                    &[
                        "greylist",
                        "graylist",
                        "try again later",
                        "4.7.1 please try again",
                        "4.2.0",
                    ],
                )
        },
        cause: |_| {
            "the receiver greylists: it defers the first attempt from an unknown sender and accepts a retry".into()
        },
        fix: |_, _| {
            "nothing to do: the queue retries on `queue.retry_schedule`; `mailctl queue retry ID` tries at once".into()
        },
    },
    Rule {
        code: "mailbox_full",
        matches: |r| {
            has(
                r,
                &[
                    "5.2.2",
                    "4.2.2",
                    "mailbox full",
                    "over quota",
                    "quota exceeded",
                ],
            )
        },
        cause: |_| "the recipient's mailbox is full".into(),
        fix: |_, _| {
            "the recipient must make room (a 4xx is retried until queue.max_lifetime); tell them by another way".into()
        },
    },
    Rule {
        code: "user_unknown",
        matches: |r| {
            has(
                r,
                &["5.1.1", "user unknown", "no such user", "does not exist"],
            ) && !r.contains("nxdomain")
        },
        cause: |_| "the recipient address does not exist at the receiver".into(),
        fix: |_, _| "check the address for typos; the sender was sent a bounce".into(),
    },
    Rule {
        code: "domain_unknown",
        matches: |r| has(r, &["5.1.2", "nxdomain", "no mx and no address"]),
        cause: |_| "the recipient's domain does not exist or has no mail server".into(),
        fix: |_, _| "check the domain for typos (`mailctl dns mx DOMAIN`)".into(),
    },
];

/// The cause and fix of the attempts' failure, if one of the known cases; `None` when nothing
/// failed or the replies match no rule.
pub fn diagnose(ctx: &Context<'_>) -> Option<Diagnosis> {
    if let Some(d) = port25_blocked(ctx.replies) {
        return Some(d);
    }
    // The last reply is the one that decided; earlier ones may be greylisting that passed.
    for reply in ctx.replies.iter().rev() {
        let r = reply.trim().to_ascii_lowercase();
        if let Some(rule) = RULES.iter().find(|rule| (rule.matches)(&r)) {
            return Some(Diagnosis {
                code: rule.code,
                cause: (rule.cause)(&r),
                fix: (rule.fix)(&r, ctx.sender_domain),
            });
        }
    }
    None
}

/// Every attempt timed out connecting (not refused, not a DNS failure): the path to port 25
/// is filtered, which on a VPS almost always means the hosting provider blocks outbound 25.
fn port25_blocked(replies: &[&str]) -> Option<Diagnosis> {
    let connect_timeout = |r: &&str| {
        let r = r.to_ascii_lowercase();
        r.contains("4.4.1")
            && (r.contains("connection timed out") || r.contains("waiting for the tcp connection"))
    };
    if replies.is_empty() || !replies.iter().all(connect_timeout) {
        return None;
    }
    Some(Diagnosis {
        code: "port25_blocked",
        cause: "every attempt to every mail server timed out while connecting to port 25, while DNS answered: \
                outgoing port 25 is most likely blocked by your hosting provider"
            .into(),
        fix: "ask the provider to open outgoing port 25, or send through a relay: \
              `mailctl config set relay.host HOST` (and relay.port, relay.user, relay.password) then `mailctl config set relay.mode relay`"
            .into(),
    })
}

fn or_domain(domain: &str) -> &str {
    if domain.is_empty() { "DOMAIN" } else { domain }
}

/// Which of SPF, DKIM and DMARC the reply says failed (Gmail names them), all three when it
/// does not say.
fn which_auth(r: &str) -> String {
    let named: Vec<&str> = [("spf", "SPF"), ("dkim", "DKIM"), ("dmarc", "DMARC")]
        .iter()
        .filter(|(w, _)| r.contains(w))
        .map(|(_, n)| *n)
        .collect();
    if r.contains("5.7.26") && named.is_empty() {
        // 5.7.26: "does not pass DMARC" / "unauthenticated": DMARC needs SPF or DKIM aligned.
        return "DMARC (SPF or DKIM, aligned with From:)".into();
    }
    if r.contains("5.7.27") && named.is_empty() {
        return "SPF".into();
    }
    if named.is_empty() {
        "SPF, DKIM and DMARC".into()
    } else {
        named.join(" and ")
    }
}

/// The blocklist a refusal names, by the names and hosts the lists use in their texts.
fn blocklist_named(r: &str) -> Option<&'static str> {
    const LISTS: &[(&str, &str)] = &[
        ("spamhaus", "Spamhaus"),
        ("barracuda", "Barracuda"),
        ("spamcop", "SpamCop"),
        ("sorbs", "SORBS"),
        ("uceprotect", "UCEPROTECT"),
        ("psbl", "PSBL"),
        ("mailspike", "Mailspike"),
        ("senderscore", "Sender Score"),
        ("proofpoint", "Proofpoint"),
        ("cloudmark", "Cloudmark"),
    ];
    LISTS.iter().find(|(w, _)| r.contains(w)).map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(replies: &[&str]) -> Option<&'static str> {
        diagnose(&Context {
            replies,
            sender_domain: "example.test",
        })
        .map(|d| d.code)
    }

    #[test]
    fn microsoft_s3140_and_s3150() {
        let r = "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.";
        assert_eq!(code(&[r]), Some("microsoft_blocklist"));
        let r = "550 5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Customer Block list (S3150)";
        let d = diagnose(&Context {
            replies: &[r],
            sender_domain: "",
        })
        .unwrap();
        assert!(d.fix.contains("sender.office.com"), "{d:?}");
    }

    #[test]
    fn gmail_unauthenticated_names_what_to_fix() {
        let r = "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. Authentication results: DKIM = did not pass SPF [example.test] with ip: [192.0.2.1] = did not pass";
        let d = diagnose(&Context {
            replies: &[r],
            sender_domain: "example.test",
        })
        .unwrap();
        assert_eq!(d.code, "gmail_unauthenticated");
        assert!(d.cause.contains("SPF and DKIM"), "{d:?}");
        assert!(d.fix.contains("mailctl dns check example.test"), "{d:?}");
        let r = "421 4.7.0 [192.0.2.1] This message does not have authentication information or fails to pass authentication checks (SPF or DKIM).";
        assert_eq!(code(&[r]), Some("gmail_unauthenticated"));
        let r = "550 5.7.26 Unauthenticated email from example.test is not accepted due to domain's DMARC policy.";
        let d = diagnose(&Context {
            replies: &[r],
            sender_domain: "example.test",
        })
        .unwrap();
        assert!(d.cause.contains("DMARC"), "{d:?}");
        let r = "550 5.7.27 The sender's domain does not pass SPF";
        assert_eq!(code(&[r]), Some("gmail_unauthenticated"));
        let r = "421 4.7.26 Unauthenticated email is not accepted";
        assert_eq!(code(&[r]), Some("gmail_unauthenticated"));
    }

    #[test]
    fn blocklists_are_named() {
        let r = "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.1";
        let d = diagnose(&Context {
            replies: &[r],
            sender_domain: "",
        })
        .unwrap();
        assert_eq!(d.code, "blocklisted");
        assert!(d.cause.contains("Spamhaus"), "{d:?}");
        let r = "550 5.7.1 Message rejected: blocked using Barracuda Reputation, see http://www.barracudanetworks.com/reputation/?r=1&ip=192.0.2.1";
        let d = diagnose(&Context {
            replies: &[r],
            sender_domain: "",
        })
        .unwrap();
        assert!(d.cause.contains("Barracuda"), "{d:?}");
        // A 5.7.1 that names no list is not called a blocklisting.
        assert_eq!(code(&["550 5.7.1 relaying denied"]), None);
    }

    #[test]
    fn greylisting() {
        assert_eq!(
            code(&[
                "450 4.2.0 <a@b.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/"
            ]),
            Some("greylisted")
        );
        assert_eq!(
            code(&["451 4.7.1 Please try again later"]),
            Some("greylisted")
        );
        // Greylisting first, then a refusal: the refusal is what decided.
        assert_eq!(
            code(&[
                "451 4.7.1 Greylisted, try again later",
                "550 5.1.1 user unknown"
            ]),
            Some("user_unknown")
        );
    }

    #[test]
    fn tls_required() {
        assert_eq!(
            code(&["530 5.7.0 Must issue a STARTTLS command first"]),
            Some("tls_required")
        );
    }

    #[test]
    fn mailbox_full() {
        assert_eq!(
            code(&["552 5.2.2 The email account that you tried to reach is over quota."]),
            Some("mailbox_full")
        );
        assert_eq!(
            code(&["452 4.2.2 The email account that you tried to reach is over quota."]),
            Some("mailbox_full")
        );
    }

    #[test]
    fn user_unknown() {
        assert_eq!(
            code(&["550 5.1.1 The email account that you tried to reach does not exist."]),
            Some("user_unknown")
        );
        assert_eq!(
            code(&["550 5.1.2 domain nope.test does not exist (NXDOMAIN)"]),
            Some("domain_unknown")
        );
    }

    #[test]
    fn port25_blocked_only_when_every_attempt_timed_out_connecting() {
        let t1 = "451 4.4.1 mx1.example.test [192.0.2.1]:25: connection timed out";
        let t2 = "451 4.4.1 mx2.example.test [192.0.2.2]:25: no answer within 30s while waiting for the TCP connection";
        let d = diagnose(&Context {
            replies: &[t1, t2],
            sender_domain: "",
        })
        .unwrap();
        assert_eq!(d.code, "port25_blocked");
        assert!(
            d.cause.contains("hosting provider") && d.fix.contains("relay.mode"),
            "{d:?}"
        );
        // One MX answered: not a blocked port.
        assert_ne!(
            code(&[t1, "451 4.7.1 try again later"]),
            Some("port25_blocked")
        );
        // Refused is a host that is down, not a filter.
        assert_eq!(
            code(&["451 4.4.1 mx [192.0.2.1]:25: Connection refused (os error 111)"]),
            None
        );
    }

    #[test]
    fn nothing_to_say() {
        assert_eq!(code(&[]), None);
        assert_eq!(code(&["250 2.0.0 OK queued as 1234"]), None);
    }
}
