//! Server settings: a fixed registry of documented, typed keys stored in the `settings` table.
//!
//! Every key has a default, a type that validates and normalises what is set, and a sentence
//! of meaning; `config list` prints this registry. Unknown keys are refused so a typo never
//! silently does nothing.
//!
//! Not here: applying settings (each service reads what it needs, e.g.
//! `smtp::outbound::Config`), telling a running daemon (`mailctl config set` in `cli/`).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use super::address::Domain;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A fully qualified host name.
    Hostname,
    /// Comma-separated `ADDR:PORT` list; empty turns the listener off.
    Listen,
    /// A filesystem path; empty means the built-in default.
    Path,
    /// A byte size such as `25M`, `2G`, `512K` or `1000`.
    Size,
    /// A non-negative whole number.
    Count,
    /// A decimal number such as `6` or `5.5` (a spam score).
    Score,
    /// A duration such as `90s`, `5m`, `1h`, `5d`.
    Duration,
    /// A comma-separated list of durations.
    DurationList,
    /// Comma-separated CIDR networks (`192.0.2.0/24`, `2001:db8::/32`, or a single IP).
    Networks,
    /// Comma-separated IP addresses.
    Ips,
    /// A TCP port.
    Port,
    /// Comma-separated `ADDR[:PORT]` name servers.
    Nameservers,
    /// Comma-separated DNS zone names.
    Zones,
    /// `true` or `false`.
    Bool,
    /// Free text (may be empty).
    Text,
    /// Where a service listens: `HOST:PORT` or an absolute Unix socket path; empty = none.
    Endpoint,
    /// A mail address, or empty.
    Address,
    /// One of a fixed set of words.
    OneOf(&'static [&'static str]),
}

impl Kind {
    pub fn describe(&self) -> String {
        match self {
            Kind::Hostname => "hostname".into(),
            Kind::Listen => "ADDR:PORT list".into(),
            Kind::Path => "path".into(),
            Kind::Size => "size".into(),
            Kind::Count => "number".into(),
            Kind::Score => "score".into(),
            Kind::Duration => "duration".into(),
            Kind::DurationList => "duration list".into(),
            Kind::Networks => "CIDR list".into(),
            Kind::Ips => "IP list".into(),
            Kind::Port => "port".into(),
            Kind::Nameservers => "ADDR[:PORT] list".into(),
            Kind::Zones => "zone list".into(),
            Kind::Bool => "bool".into(),
            Kind::Text => "text".into(),
            Kind::Endpoint => "HOST:PORT or socket path".into(),
            Kind::Address => "address".into(),
            Kind::OneOf(words) => words.join("|"),
        }
    }
}

#[derive(Debug)]
pub struct Setting {
    pub key: &'static str,
    pub kind: Kind,
    pub default: &'static str,
    pub doc: &'static str,
}

macro_rules! settings {
    ($( $key:literal : $kind:expr, $default:literal, $doc:literal; )*) => {
        pub static SETTINGS: &[Setting] = &[ $( Setting { key: $key, kind: $kind, default: $default, doc: $doc }, )* ];
    };
}

settings! {
    "hostname": Kind::Hostname, "", "Name this server uses in its SMTP greeting, EHLO and Received headers; must have a matching PTR. Empty: the machine's host name.";
    "public_ip": Kind::Ips, "", "The public addresses mail leaves from, used by `dns check` for PTR, SPF and blocklist checks.";
    "listen.smtp": Kind::Listen, "0.0.0.0:25", "Where the MX (incoming mail, no AUTH) listens.";
    "listen.submission": Kind::Listen, "0.0.0.0:587", "Where submission with STARTTLS listens (users' clients).";
    "listen.submissions": Kind::Listen, "0.0.0.0:465", "Where submission over implicit TLS listens.";
    "listen.imap": Kind::Listen, "0.0.0.0:143", "Where IMAP with STARTTLS listens.";
    "listen.imaps": Kind::Listen, "0.0.0.0:993", "Where IMAP over implicit TLS listens.";
    "listen.pop3": Kind::Listen, "0.0.0.0:110", "Where POP3 with STLS listens.";
    "listen.pop3s": Kind::Listen, "0.0.0.0:995", "Where POP3 over implicit TLS listens.";
    "listen.managesieve": Kind::Listen, "0.0.0.0:4190", "Where ManageSieve (RFC 5804, STARTTLS) listens.";
    "listen.autoconfig": Kind::Listen, "", "Where the client autoconfiguration HTTP responder listens (off by default; put a TLS proxy for autoconfig.<domain> in front).";
    "listen.metrics": Kind::Listen, "", "Where the Prometheus metrics endpoint (GET /metrics) listens (off by default; loopback only: it has no authentication).";
    "listen.web": Kind::Listen, "", "Where webmail listens (off by default): HTTPS with the server's certificate, or plain HTTP on loopback only when web.tls is off.";
    "web.tls": Kind::OneOf(&["on", "off"]), "on", "off: webmail speaks plain HTTP, allowed only when listen.web is loopback (a TLS proxy in front); on: HTTPS with tls.cert.";
    "web.session_idle": Kind::Duration, "30m", "A webmail session unused this long is logged out (at least 1m).";
    "web.login_rate_limit": Kind::Count, "10", "Webmail login attempts one client address may make per minute (0: no limit); the ban.* settings apply as well.";
    "tls.cert": Kind::Path, "", "PEM certificate chain. Empty: <data-dir>/tls/cert.pem.";
    "tls.key": Kind::Path, "", "PEM private key. Empty: <data-dir>/tls/key.pem.";
    "tls.acme": Kind::OneOf(&["off", "on"]), "off", "on: obtain and renew the certificate by ACME (RFC 8555, HTTP-01 on listen.acme_http) for hostname and tls.acme_names, written to tls.cert/tls.key.";
    "tls.acme_directory": Kind::Text, "https://acme-v02.api.letsencrypt.org/directory", "The ACME CA's directory URL (Let's Encrypt production by default).";
    "tls.acme_email": Kind::Address, "", "Contact address given to the ACME CA (expiry warnings). Empty: none.";
    "tls.acme_ca": Kind::Path, "", "Extra trusted root (PEM) for the ACME directory's HTTPS, for test CAs such as pebble. Empty: the public web roots.";
    "tls.acme_names": Kind::Text, "", "More DNS names for the ACME certificate, comma-separated (hostname is always the first).";
    "listen.acme_http": Kind::Listen, "0.0.0.0:80", "Where the ACME HTTP-01 responder listens when tls.acme is on (the CA connects to port 80 of each name).";
    "server.user": Kind::Text, "mailctl", "Account the daemons switch to after binding ports when started as root. Empty: keep running as root.";
    "limits.max_connections": Kind::Count, "1000", "Most simultaneous connections per service.";
    "limits.max_connections_per_ip": Kind::Count, "20", "Most simultaneous connections from one client address per service.";
    "imap.max_connections_per_user": Kind::Count, "20", "Most simultaneous IMAP sessions of one user (Thunderbird opens up to 5 per account).";
    "imap.timeout.login": Kind::Duration, "3m", "How long an IMAP client has from connecting (TLS handshake included) to logging in (Dovecot's pre-login timeout is 3m; RFC 9051's 30m minimum is for logged-in sessions).";
    "imap.max_mailboxes": Kind::Count, "1000", "Most mailboxes (folders, INBOX not counted) one user may have; CREATE beyond gets NO [LIMIT]. 0: no limit.";
    "imap.max_subscriptions": Kind::Count, "1000", "Most subscribed names (existing or not) one user may have; SUBSCRIBE beyond gets NO [LIMIT]. 0: no limit.";
    "imap.max_keywords": Kind::Count, "256", "Most distinct keywords in one mailbox; a STORE, APPEND, COPY or MOVE adding more gets NO [LIMIT] (one keyword is at most 128 octets, one message carries at most 64). 0: no limit.";
    "pop3.timeout.login": Kind::Duration, "10m", "How long a POP3 client has from connecting (TLS handshake included) to logging in (RFC 1939 §3: an autologout timer is at least 10m).";
    "smtp.max_message_size": Kind::Size, "25M", "Largest message accepted (SIZE); larger ones get 552 5.3.4.";
    "smtp.max_recipients": Kind::Count, "1000", "Most recipients in one transaction; more get 452 4.5.3.";
    "smtp.recipient_delimiter": Kind::Text, "+", "Sub-address separator: user+tag@domain delivers to user@domain. Empty turns it off.";
    "smtp.max_hops": Kind::Count, "50", "More Received headers than this is a mail loop (554 5.4.6).";
    "smtp.command_timeout": Kind::Duration, "5m", "Deadline for each whole SMTP command line, however slowly its bytes come, before 421 (RFC 5321 §4.5.3.2: at least 5m).";
    "smtp.data_timeout": Kind::Duration, "3m", "Longest gap in SMTP message data, and the deadline for the whole message before smtp.data_min_rate extends it (RFC 5321 §4.5.3.2: 3m).";
    "smtp.greet_wait": Kind::Duration, "6s", "Port 25 only: how long the server waits before its greeting (after a 220- teaser line), refusing a client that talks before it (554 5.5.1, as Postfix postscreen's pregreet test). Spam bots fire at once; real MTAs wait minutes for the greeting (RFC 5321 §4.5.3.2). 6s as postscreen's postscreen_greet_wait: a client pays it once per smtp.greet_ttl, not on every connection. 0: off. mynetworks and submission are never delayed.";
    "smtp.greet_ttl": Kind::Duration, "1d", "Port 25 only: how long a client that waited out smtp.greet_wait and then said HELO/EHLO is greeted at once (Postfix's postscreen_greet_ttl, 1d), remembered across restarts. A day: a real MTA pays the wait once a day, a bot that learnt to wait gets no lasting pass. Talking before the greeting forgets it. 0: every connection waits.";
    "smtp.client_connection_rate_limit": Kind::Count, "0", "Port 25 only: most connections per minute from one client (an IPv4 address or an IPv6 /64), beyond which 421 4.7.0 (Postfix smtpd_client_connection_rate_limit). 0 (the default, as in Postfix): no limit, since big senders and NATs legitimately connect often and a limit too low defers real mail. mynetworks is exempt.";
    "smtp.client_message_rate_limit": Kind::Count, "0", "Port 25 only: most MAIL commands per minute from one client (an IPv4 address or an IPv6 /64), beyond which 450 4.7.1 (Postfix smtpd_client_message_rate_limit). 0 (the default, as in Postfix): no limit. mynetworks is exempt.";
    "smtp.data_min_rate": Kind::Size, "1K", "Octets per second of SMTP message data that extend its deadline by one second (as Postfix's smtpd_min_data_rate); 0 makes smtp.data_timeout a fixed deadline.";
    "submission.allow_any_sender": Kind::Bool, "false", "Let authenticated users send with any MAIL FROM and header From:/Sender:, not only their own addresses and aliases.";
    "submission.max_messages_per_hour": Kind::Count, "200", "Most messages one authenticated user may submit in any hour (a sliding window); the next MAIL gets 450 4.7.1 until the oldest is an hour old. Per user: `user set --send-limit`. Local `sendmail` is not limited. 0: no limit.";
    "submission.max_recipients_per_day": Kind::Count, "2000", "Most recipients one authenticated user may send to in any 24 hours (a sliding window, every recipient of every message); the RCPT that would exceed it gets 450 4.7.1. Per user: `user set --send-limit`. 0: no limit.";
    "smtp.spool_min_free": Kind::Size, "64M", "Free space kept on the spool's filesystem: MAIL with a SIZE that would leave less gets 452 4.3.1.";
    "postmaster": Kind::Address, "", "Where mail for postmaster goes in a domain without a postmaster alias or mailbox (RFC 5321 §4.5.1: always accepted). Empty: whoever postmaster@ the first domain (set up by `mailctl setup`) delivers to.";
    "mynetworks": Kind::Networks, "", "Networks that may relay without AUTH. Empty by default: not even loopback is trusted, since proxies and containers make outside clients look local.";
    "auth.plaintext": Kind::OneOf(&["never", "loopback"]), "loopback", "Whether passwords may cross an unencrypted connection: never, or only from loopback.";
    "auth.argon2_memory": Kind::Size, "19M", "Argon2id memory cost for new password hashes (OWASP: 19 MiB).";
    "auth.argon2_iterations": Kind::Count, "2", "Argon2id time cost for new password hashes (OWASP: 2).";
    "auth.argon2_parallelism": Kind::Count, "1", "Argon2id lanes for new password hashes (OWASP: 1).";
    "auth.cache_ttl": Kind::Duration, "1h", "How long a right password is remembered in memory, so the next login of that user with it skips the hash check (Dovecot's auth_cache_ttl, 1h). A new password, a disabled or removed account and a ban take effect at once all the same; SIGHUP forgets everything. 0: off.";
    "auth.cache_negative_ttl": Kind::Duration, "5m", "How long a wrong password is remembered, so a client retrying it does not cost a hash check each time (each try still counts towards ban.threshold). 0: wrong passwords are not remembered.";
    "auth.cache_size": Kind::Count, "10000", "Most logins the authentication cache remembers (about 100 bytes each); the oldest is forgotten first. 0: off.";
    "ban.threshold": Kind::Count, "10", "Failed logins from one address within ban.window before it is banned; 0 disables bans.";
    "ban.window": Kind::Duration, "1h", "Period over which failed logins are counted.";
    "ban.duration": Kind::Duration, "1h", "How long a banned address is refused.";
    "relay.mode": Kind::OneOf(&["direct", "relay", "direct-then-relay", "backup-mx"]), "direct", "Outbound route: MX lookup, always the relay host, or MX first and the relay on failure; backup-mx: as direct, and this node is also the backup MX of backupmx.domains (recipients verified by callout to the primary, mail queued for it, never delivered here).";
    "relay.host": Kind::Text, "", "Smarthost for outbound mail (an ISP's or a mail service's submission server).";
    "relay.port": Kind::Port, "587", "Port of the relay host.";
    "relay.user": Kind::Text, "", "User name for AUTH at the relay host.";
    "relay.password": Kind::Text, "", "Password for AUTH at the relay host.";
    "relay.tls": Kind::OneOf(&["starttls", "tls", "none"]), "starttls", "TLS to the relay host: STARTTLS required, implicit TLS, or none (loopback relays only).";
    "backupmx.domains": Kind::Zones, "", "With relay.mode backup-mx: the domains this node is a backup MX for (Postfix relay_domains). They are not local domains: their mail is queued for the primary, and only recipients the primary confirms by an SMTP callout are accepted (Postfix reject_unverified_recipient). Publish this host in their MX at a higher preference number than the primary.";
    "backupmx.primary": Kind::Endpoint, "", "With relay.mode backup-mx: HOST:PORT (not a socket path) of the primary MX, asked by callouts and handed the queued mail (Postfix transport_maps). Empty: the domain's MX hosts other than this one.";
    "backupmx.verify_ttl": Kind::Duration, "7d", "How long a recipient the primary accepted is trusted without asking again, also while it is down (Postfix address_verify_positive_expire_time).";
    "backupmx.verify_negative_ttl": Kind::Duration, "3h", "How long a recipient the primary refused (5xx) is refused without asking again (Postfix address_verify_negative_expire_time).";
    "backupmx.callout_timeout": Kind::Duration, "10s", "Longest a recipient verification callout to the primary may take, connection included; past it the sender gets 450 4.1.1 and retries.";
    "delivery.port": Kind::Port, "25", "Destination port for outbound SMTP to MX hosts.";
    "delivery.timeout": Kind::Duration, "10m", "Upper bound on every outbound SMTP timeout (RFC 5321's are 2-10 minutes per step).";
    "delivery.max_connections": Kind::Count, "100", "Most simultaneous outbound SMTP connections (Postfix: default_process_limit 100).";
    "delivery.max_per_domain": Kind::Count, "20", "Most simultaneous outbound connections to one destination domain (Postfix: default_destination_concurrency_limit 20).";
    "delivery.plaintext_fallback": Kind::Zones, "", "Destination domains whose mail may go in plaintext after a failed STARTTLS to their MX (an attacker on the path can cause that failure). Empty: none; a failed TLS attempt defers and the next attempt tries TLS again.";
    "sieve.max_scripts": Kind::Count, "20", "Most Sieve scripts one user may store (ManageSieve PUTSCRIPT or `sieve put` beyond gets NO (QUOTA/MAXSCRIPTS)). 0: no limit.";
    "sieve.max_script_size": Kind::Size, "64K", "Largest Sieve script one user may store (NO (QUOTA/MAXSIZE) beyond).";
    "sieve.before": Kind::Path, "", "A Sieve script file the administrator runs before every user's active script at local delivery (Pigeonhole's sieve_before). Empty: none.";
    "sieve.after": Kind::Path, "", "A Sieve script file the administrator runs after every user's active script at local delivery, if that script kept the message going (Pigeonhole's sieve_after). Empty: none.";
    "srs.domain": Kind::Hostname, "", "The domain forwarded mail's envelope sender is rewritten into (SRS, e.g. SRS0=HHHH=TT=sender.example=alice@THIS), so it passes SPF at the next hop; bounces to it come back here and go on to the original sender. Must be one of our domains, with our MX and an SPF record listing this server. Empty: the domain of the address that forwards (the alias or the mailbox whose Sieve redirects), which is ours and has both already. The addresses are signed with the secret in DATA/srs.secret (0600, made on first use; one per line, the first signs, all verify: rotate by adding a new first line, drop the old one three weeks later; servers forwarding for the same domains share the file).";
    "queue.max_lifetime": Kind::Duration, "5d", "How long undeliverable mail is retried before it bounces.";
    "queue.retry_schedule": Kind::DurationList, "5m,10m,20m,40m,1h", "Delays between delivery attempts; the last repeats.";
    "queue.double_bounce_to": Kind::Address, "", "Where the report goes when a bounce itself cannot be delivered (Postfix's double-bounce notice); empty: dropped with a log line.";
    "queue.history_retention": Kind::Duration, "30d", "How long `mailctl trace` can still show a message after it left the queue (delivered, bounced, expired or deleted); the queue runner forgets older timelines.";
    "queue.delay_warning": Kind::Duration, "0s", "Send the sender a delay notice after this long in the queue; 0s turns it off.";
    "dnsbl.zones": Kind::Zones, "zen.spamhaus.org,bl.spamcop.net,b.barracudacentral.org", "DNS blocklists checked by `dns check`, `dns bl` and the inbound pipeline (`check message`), read with each list's return codes. Empty: none.";
    "dnswl.zones": Kind::Zones, "", "DNS allowlists (e.g. list.dnswl.org) asked by the inbound pipeline; a listed client skips the blocklists. Empty: none.";
    "inbound.checks": Kind::Bool, "true", "Run the inbound checks (DNSBL, SPF, DKIM, DMARC, ARC, then greylisting and the scanners when set; see `check message`) on mail arriving on port 25, refusing at DATA what the inbound.* settings say and adding Authentication-Results. Never on submission. On by default: without them anyone may deliver mail claiming one of your domains in From: to your users' inboxes. They ask dns.nameserver (or the system resolver) and the dnsbl.zones lists; mynetworks skips the refusals. `serve --dev` stores false in its own data directory (unless set there already): it listens on loopback only, so no stranger can reach it, and a demo must work offline rather than wait on internet DNS for the real domain its banner's swaks example sends as. A restart applies it (the other inbound.* keys apply to the next message).";
    "inbound.dnsbl_action": Kind::OneOf(&["reject", "junk", "tag"]), "reject", "Inbound mail from a client on a dnsbl.zones list (and on no dnswl.zones list, not in mynetworks): reject (554 5.7.1 at RCPT; the lists are asked as the client connects), junk (deliver to Junk) or tag (only note it). `mailctl dnsbl test IP` shows what the lists say.";
    "inbound.spf_fail": Kind::OneOf(&["reject", "junk", "tag"]), "tag", "Inbound mail whose MAIL FROM fails SPF. Default tag: forwarding breaks SPF, so DMARC (which also accepts a DKIM pass) decides.";
    "inbound.dmarc_reject": Kind::OneOf(&["reject", "junk", "tag"]), "reject", "Inbound mail failing DMARC for a domain publishing p=reject (RFC 7489 §6.3; pct honoured).";
    "inbound.dmarc_quarantine": Kind::OneOf(&["reject", "junk", "tag"]), "junk", "Inbound mail failing DMARC for a domain publishing p=quarantine.";
    "inbound.arc_trusted_sealers": Kind::Zones, "", "Forwarders and mailing lists (the d= of their ARC-Seal) whose ARC verdicts are trusted (RFC 8617 §7.2): mail failing DMARC is treated as passing it when its ARC chain validates, the newest seal is by one of these domains, and that hop's ARC-Authentication-Results saw dmarc=pass or an aligned dkim=pass or spf=pass. Authentication-Results keeps dmarc=fail and names the sealer. Never for mail claiming our own domains. Empty: no override.";
    "inbound.temperror": Kind::OneOf(&["accept", "tempfail"]), "accept", "Inbound mail whose DMARC policy could not be looked up (DNS error): accept with the temperror noted, or tempfail (451) so the sender retries. Mail claiming our own domains always tempfails.";
    "inbound.rspamd": Kind::Endpoint, "", "rspamd's normal worker, asked about every message from port 25 (needs inbound.checks): HOST:PORT (rspamd listens on 127.0.0.1:11333) or a Unix socket path; empty = off.";
    "inbound.spam_junk_score": Kind::Score, "6", "Spam score (rspamd's or spamd's) at or above which inbound mail goes to the recipient's Junk folder (also when rspamd's own action is add header or rewrite subject).";
    "inbound.spam_reject_score": Kind::Score, "15", "Spam score (rspamd's or spamd's) at or above which inbound mail is refused at DATA (also when rspamd's own action is reject; GTUBE scores 1000 with spamd).";
    "inbound.spam_action": Kind::OneOf(&["reject", "junk", "tag"]), "reject", "The most inbound spam gets: reject (refused at DATA above inbound.spam_reject_score, Junk above inbound.spam_junk_score), junk (Junk folder, never refused) or tag (X-Spam headers only). A domain may set its own (`mailctl domain set --spam-action`).";
    "inbound.rspamd_down": Kind::OneOf(&["accept", "tempfail"]), "accept", "What inbound mail gets when rspamd cannot be asked: accept (with a logged warning: spam in the inbox for a while beats a stalled MX) or tempfail (451).";
    "inbound.spamd": Kind::Endpoint, "", "SpamAssassin's spamd, asked about every message from port 25 (needs inbound.checks) over its SPAMC protocol: HOST:PORT (spamd listens on 127.0.0.1:783) or a Unix socket path (spamd --socketpath); empty = off. Its score is judged against inbound.spam_junk_score and inbound.spam_reject_score, not spamd's own required_score (5): the defaults 6 and 15 suit both scanners. Messages over 500K are not sent (spamc's limit).";
    "inbound.spamd_down": Kind::OneOf(&["accept", "tempfail"]), "accept", "What inbound mail gets when spamd cannot be asked: accept (with a logged warning: spam in the inbox for a while beats a stalled MX, and DNSBL and DMARC still judge it) or tempfail (451).";
    "inbound.clamd": Kind::Endpoint, "", "ClamAV's clamd, asked to scan every message from port 25 (needs inbound.checks): HOST:PORT (TCPSocket) or the path of its LocalSocket; empty = off. A virus is refused at DATA with 554 5.7.1 naming it.";
    "inbound.clamd_down": Kind::OneOf(&["accept", "tempfail"]), "tempfail", "What inbound mail gets when clamd cannot be asked: tempfail (451, the sender retries: unscanned mail is how a virus gets in) or accept.";
    "inbound.scan_timeout": Kind::Duration, "30s", "How long rspamd, spamd and clamd each have to answer about one message.";
    "inbound.rspamd_controller": Kind::Endpoint, "", "rspamd's controller worker, taught from users' Junk moves over IMAP: a message moved or copied into Junk is learned as spam, one moved out of Junk (not into Trash) as ham, as mailcow does with IMAPSieve. HOST:PORT (rspamd's controller listens on 127.0.0.1:11334) or a Unix socket path; empty = no learning. Needs a Bayes classifier with a Redis backend in rspamd.";
    "inbound.rspamd_password": Kind::Text, "", "Sent as the Password header to inbound.rspamd_controller (its `password` or `enable_password`); empty = none, for a controller whose secure_ip lets this host in without one.";
    "inbound.learn": Kind::Bool, "true", "Teach rspamd from users' Junk moves when inbound.rspamd_controller is set. Turn off to keep the controller for status only, e.g. while its Bayes store is rebuilt.";
    "inbound.greylist": Kind::Bool, "false", "Greylist mail arriving on port 25 (needs inbound.checks): the first message of a new (client network, sender, recipient) triplet gets 451 4.7.1 at RCPT and passes when retried after inbound.greylist_delay, as Postgrey does. Skipped for mynetworks, DNSWL-listed clients, `greylist allow` entries, client networks that retried correctly before and SPF-passing domains seen before. Off by default: it delays every first message from a new sender, and DNSBL and DMARC stop most abuse without it.";
    "inbound.greylist_delay": Kind::Duration, "5m", "How long a new greylisting triplet is deferred (Postgrey: 5m). A retry sooner gets 451 again.";
    "inbound.greylist_retry_window": Kind::Duration, "2d", "A greylisted triplet not retried within this time starts over.";
    "inbound.greylist_max_age": Kind::Duration, "35d", "Greylisting triplets, clients and domains unused for this long are forgotten (Postgrey: 35 days).";
    "inbound.greylist_auto_clients": Kind::Count, "5", "Correct retries (for different triplets) after which a client network is no longer greylisted; 0 = never.";
    "dns.nameserver": Kind::Nameservers, "", "Resolvers to use (ADDR[:PORT], comma-separated). Empty: the system resolver.";
    "dkim.selector": Kind::Text, "mail", "Default DKIM selector for `dkim generate`.";
}

// --- Reload and open-relay rules (issue 16.3) ---

/// Keys a running daemon cannot take on SIGHUP: sockets are bound, privileges dropped, the
/// resolver and the per-user/outbound semaphores built, and IMAP/POP3 greet with the host
/// name, at start. Every other key is re-read on SIGHUP (or read afresh where it is used).
const RESTART_KEYS: &[&str] = &[
    "hostname",
    "server.user",
    "tls.cert",
    "tls.key",
    "tls.acme",
    "tls.acme_directory",
    "tls.acme_email",
    "tls.acme_ca",
    "tls.acme_names",
    "imap.max_connections_per_user",
    "delivery.max_connections",
    "delivery.max_per_domain",
    "dns.nameserver",
    "inbound.checks",
];

/// Whether a change to `key` needs the daemon restarted rather than reloaded.
pub fn needs_restart(key: &str) -> bool {
    key.starts_with("listen.") || RESTART_KEYS.contains(&key)
}

/// Networks in a `mynetworks` value wide enough to make an open relay: more than a /24 of
/// IPv4 or a /64 of IPv6 (every address of a typical LAN or one customer's allocation), and
/// `0.0.0.0/0`/`::/0` above all. Loopback networks are left out: only this machine is in them.
pub fn open_relay_networks(value: &str) -> Vec<ipnet::IpNet> {
    value
        .split(',')
        .filter_map(|s| parse_network(s.trim()).ok())
        .filter(|n| match n {
            ipnet::IpNet::V4(v4) => v4.prefix_len() < 24 && !v4.network().is_loopback(),
            ipnet::IpNet::V6(v6) => v6.prefix_len() < 64,
        })
        .collect()
}

/// The machine's host name, as `uname -n` gives it: the default for `hostname`.
pub fn system_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|s| s.trim().to_string())
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".into())
}

/// `HOST:PORT`, an absolute Unix socket path, or empty.
pub fn check_endpoint(v: &str) -> Result<(), String> {
    if v.is_empty() || v.starts_with('/') {
        return Ok(());
    }
    match v.rsplit_once(':') {
        Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok() => Ok(()),
        _ => Err(format!(
            "'{v}' is neither HOST:PORT (e.g. 127.0.0.1:11333) nor the absolute path of a Unix socket"
        )),
    }
}

/// Listeners without authentication, which may only listen on loopback addresses.
pub const LOOPBACK_ONLY: &[&str] = &["listen.metrics"];

pub fn lookup(key: &str) -> Option<&'static Setting> {
    SETTINGS.iter().find(|s| s.key == key)
}

/// Checks a value for a key and returns its normalised form, or says what is wrong: one
/// validator per [`Kind`], lists validated item by item.
pub fn validate(setting: &Setting, value: &str) -> Result<String, String> {
    let v = value.trim();
    match setting.kind {
        Kind::Hostname => optional(v, |v| {
            Domain::parse(v)
                .map(|d| d.as_str().to_string())
                .map_err(|e| e.0)
        }),
        Kind::Listen => each(v, |item| {
            let sa: SocketAddr = item
                .parse()
                .map_err(|_| format!("'{item}' is not ADDR:PORT (e.g. 0.0.0.0:25 or [::]:25)"))?;
            if LOOPBACK_ONLY.contains(&setting.key) && !sa.ip().is_loopback() {
                return Err(format!(
                    "'{item}' is not a loopback address: {} has no authentication (use 127.0.0.1:PORT or [::1]:PORT, and a proxy with authentication in front for remote scrapes)",
                    setting.key
                ));
            }
            Ok(sa.to_string())
        }),
        Kind::Path => {
            if v.is_empty() || v.starts_with('/') {
                Ok(v.to_string())
            } else {
                Err(format!("'{v}' is not an absolute path"))
            }
        }
        Kind::Size => parse_size(v).map(|_| v.to_string()),
        Kind::Count => v
            .parse::<u64>()
            .map(|n| n.to_string())
            .map_err(|_| format!("'{v}' is not a whole number")),
        Kind::Score => match v.parse::<f64>() {
            Ok(x) if x.is_finite() && x.abs() <= 1000.0 => Ok(v.to_string()),
            _ => Err(format!("'{v}' is not a score (a number such as 6 or 5.5)")),
        },
        Kind::Port => match v.parse::<u16>() {
            Ok(p) if p > 0 => Ok(p.to_string()),
            _ => Err(format!("'{v}' is not a port (1-65535)")),
        },
        Kind::Duration => parse_duration(v).map(|_| v.to_string()),
        Kind::DurationList => {
            let items: Vec<&str> = list(v).collect();
            if items.is_empty() {
                return Err("give at least one duration, e.g. 5m,10m,1h".into());
            }
            for item in &items {
                parse_duration(item)?;
            }
            Ok(items.join(","))
        }
        Kind::Networks => each(v, |item| Ok(parse_network(item)?.to_string())),
        Kind::Ips => each(v, |item| {
            let ip: IpAddr = item
                .parse()
                .map_err(|_| format!("'{item}' is not an IP address"))?;
            Ok(ip.to_string())
        }),
        Kind::Nameservers => each(v, |item| Ok(parse_nameserver(item)?.to_string())),
        Kind::Zones => each(v, |item| {
            Ok(Domain::parse(item).map_err(|e| e.0)?.as_str().to_string())
        }),
        Kind::Bool => match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok("true".into()),
            "false" | "no" | "off" | "0" => Ok("false".into()),
            _ => Err(format!("'{v}' is not true or false")),
        },
        Kind::Endpoint => check_endpoint(v).map(|()| v.to_string()),
        Kind::Text => {
            if v.chars().any(char::is_control) {
                Err("control characters are not allowed".into())
            } else {
                Ok(v.to_string())
            }
        }
        Kind::Address => optional(v, |v| {
            super::address::Address::parse(v)
                .map(|a| a.to_string())
                .map_err(|e| e.0)
        }),
        Kind::OneOf(words) => {
            let lower = v.to_ascii_lowercase();
            if words.contains(&lower.as_str()) {
                Ok(lower)
            } else {
                Err(format!("'{v}' is not one of {}", words.join(", ")))
            }
        }
    }
}

/// The non-empty items of a comma-separated value.
fn list(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// A comma-separated value whose items each normalise on their own; empty stays empty.
fn each(v: &str, item: impl Fn(&str) -> Result<String, String>) -> Result<String, String> {
    let mut out = Vec::new();
    for i in list(v) {
        out.push(item(i)?);
    }
    Ok(out.join(","))
}

/// A value where empty means "the built-in default" and anything else must parse.
fn optional(v: &str, parse: impl Fn(&str) -> Result<String, String>) -> Result<String, String> {
    if v.is_empty() {
        return Ok(String::new());
    }
    parse(v)
}

/// `25M` → 26214400. Units are binary (K = 1024), as Postfix's and Dovecot's sizes are.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    let u = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (num, mult) = match u.chars().last() {
        Some('K') => (&u[..u.len() - 1], 1u64 << 10),
        Some('M') => (&u[..u.len() - 1], 1 << 20),
        Some('G') => (&u[..u.len() - 1], 1 << 30),
        Some('T') => (&u[..u.len() - 1], 1 << 40),
        _ => (u, 1),
    };
    let n: u64 = num.trim().parse().map_err(|_| {
        format!("'{s}' is not a size; write e.g. 25M, 2G, 512K or a number of bytes")
    })?;
    n.checked_mul(mult)
        .ok_or_else(|| format!("'{s}' is too large"))
}

/// Renders bytes the way people write quotas: `2G`, `25M`, `1536K`, `100`.
pub fn format_size(n: u64) -> String {
    for (unit, shift) in [("T", 40), ("G", 30), ("M", 20), ("K", 10)] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{unit}", n >> shift);
        }
    }
    n.to_string()
}

/// Human-friendly size with one decimal (`1.5 MiB`), for display only.
pub fn human_size(n: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut i = 0;
    while v >= 1024.0 && i < units.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", units[i])
    }
}

pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let bad = || format!("'{s}' is not a duration; write e.g. 90s, 5m, 1h, 5d or 1w");
    // Zero needs no unit: `smtp.greet_wait 0` reads as "off".
    if !t.is_empty() && t.bytes().all(|b| b == b'0') {
        return Ok(Duration::ZERO);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86400,
        "w" => 7 * 86400,
        _ => return Err(bad()),
    };
    n.checked_mul(secs).map(Duration::from_secs).ok_or_else(bad)
}

pub fn parse_network(s: &str) -> Result<ipnet::IpNet, String> {
    if let Ok(net) = s.parse::<ipnet::IpNet>() {
        return Ok(net.trunc());
    }
    s.parse::<IpAddr>().map(ipnet::IpNet::from).map_err(|_| {
        format!("'{s}' is not a network; write e.g. 192.0.2.0/24, 2001:db8::/32 or one IP")
    })
}

pub fn parse_nameserver(s: &str) -> Result<SocketAddr, String> {
    if let Ok(sa) = s.parse::<SocketAddr>() {
        return Ok(sa);
    }
    s.parse::<IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| {
            format!("'{s}' is not a name server; write ADDR or ADDR:PORT ([ADDR]:PORT for IPv6)")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_valid() {
        for s in SETTINGS {
            validate(s, s.default).unwrap_or_else(|e| panic!("{}: {e}", s.key));
        }
    }

    #[test]
    fn wide_mynetworks_are_named_loopback_and_small_ones_are_not() {
        assert!(
            open_relay_networks("192.0.2.0/24, 10.1.2.3, ::1, 2001:db8::/64, 127.0.0.0/8")
                .is_empty()
        );
        let wide = open_relay_networks("10.0.0.0/8,0.0.0.0/0,::/0,2001:db8::/48,192.0.2.0/25");
        let shown: Vec<String> = wide.iter().map(|n| n.to_string()).collect();
        assert_eq!(shown, ["10.0.0.0/8", "0.0.0.0/0", "::/0", "2001:db8::/48"]);
        assert!(needs_restart("listen.smtp") && needs_restart("hostname"));
        assert!(!needs_restart("mynetworks") && !needs_restart("relay.host"));
    }

    #[test]
    fn sizes_and_durations() {
        assert_eq!(parse_size("25M").unwrap(), 25 << 20);
        assert_eq!(parse_size("2g").unwrap(), 2 << 30);
        assert_eq!(parse_size("2GiB").unwrap(), 2 << 30);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert!(parse_duration("5").is_err());
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert_eq!(format_size(2 << 30), "2G");
        assert_eq!(format_size(1000), "1000");
        assert_eq!(parse_duration("5d").unwrap(), Duration::from_secs(432000));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("m").is_err());
    }

    #[test]
    fn values_are_normalised_or_refused() {
        let get = |k| lookup(k).unwrap();
        assert_eq!(
            validate(get("mynetworks"), "10.1.2.3/8, ::1").unwrap(),
            "10.0.0.0/8,::1/128"
        );
        assert!(validate(get("mynetworks"), "10.0.0.0/33").is_err());
        assert_eq!(
            validate(get("listen.smtp"), "127.0.0.1:2525, [::1]:25").unwrap(),
            "127.0.0.1:2525,[::1]:25"
        );
        assert!(validate(get("listen.smtp"), "localhost:25").is_err());
        assert_eq!(
            validate(get("relay.mode"), "Direct-Then-Relay").unwrap(),
            "direct-then-relay"
        );
        assert!(validate(get("relay.mode"), "maybe").is_err());
        assert!(validate(get("relay.port"), "0").is_err());
        assert_eq!(
            validate(get("dns.nameserver"), "127.0.0.1").unwrap(),
            "127.0.0.1:53"
        );
        assert!(validate(get("tls.cert"), "relative.pem").is_err());
    }

    /// The metrics endpoint has no authentication: loopback only, v4 or v6.
    #[test]
    fn metrics_listens_on_loopback_only() {
        let get = |k| lookup(k).unwrap();
        let m = get("listen.metrics");
        assert_eq!(validate(m, ""), Ok(String::new()));
        assert_eq!(
            validate(m, "127.0.0.1:9100,[::1]:9100"),
            Ok("127.0.0.1:9100,[::1]:9100".into())
        );
        for bad in [
            "0.0.0.0:9100",
            "192.0.2.1:9100",
            "[::]:9100",
            "127.0.0.1:1,10.0.0.1:2",
        ] {
            let e = validate(m, bad).unwrap_err();
            assert!(e.contains("loopback"), "{bad}: {e}");
        }
        // Other listeners are not affected.
        assert!(validate(get("listen.smtp"), "0.0.0.0:25").is_ok());
    }

    /// One row per [`Kind`]: what each validator keeps, normalises and refuses, so the table
    /// of validators answers as the one long match did.
    #[test]
    fn every_kind_normalises_and_refuses_as_before() {
        let k = |kind| Setting {
            key: "t",
            kind,
            default: "",
            doc: "",
        };
        let ok: &[(Kind, &str, &str)] = &[
            (Kind::Hostname, "", ""),
            (Kind::Hostname, " Mail.Example.ORG ", "mail.example.org"),
            (Kind::Listen, "", ""),
            (
                Kind::Listen,
                "127.0.0.1:25, ,[::1]:587",
                "127.0.0.1:25,[::1]:587",
            ),
            (Kind::Path, "/etc/x.pem", "/etc/x.pem"),
            (Kind::Path, "", ""),
            (Kind::Size, "25M", "25M"),
            (Kind::Count, "007", "7"),
            (Kind::Score, "5.5", "5.5"),
            (Kind::Score, "-1", "-1"),
            (Kind::Port, "25", "25"),
            (Kind::Duration, "5m", "5m"),
            (Kind::DurationList, " 5m, ,1h ", "5m,1h"),
            (Kind::Networks, "10.1.2.3/8", "10.0.0.0/8"),
            (Kind::Ips, "192.0.2.1, ::1", "192.0.2.1,::1"),
            (Kind::Nameservers, "127.0.0.1", "127.0.0.1:53"),
            (Kind::Zones, "Zen.Spamhaus.org,", "zen.spamhaus.org"),
            (Kind::Bool, "Yes", "true"),
            (Kind::Bool, "off", "false"),
            (Kind::Text, " a b ", "a b"),
            (Kind::Address, "", ""),
            (Kind::Address, "a@example.org", "a@example.org"),
            (Kind::OneOf(&["x", "y"]), "Y", "y"),
        ];
        for (kind, v, want) in ok {
            assert_eq!(
                validate(&k(*kind), v).as_deref(),
                Ok(*want),
                "{kind:?} {v:?}"
            );
        }
        let bad: &[(Kind, &str)] = &[
            (Kind::Hostname, "not a host"),
            (Kind::Listen, "localhost:25"),
            (Kind::Path, "rel/x"),
            (Kind::Size, "lots"),
            (Kind::Count, "-1"),
            (Kind::Score, "lots"),
            (Kind::Score, "NaN"),
            (Kind::Score, "1e9"),
            (Kind::Port, "0"),
            (Kind::Port, "65536"),
            (Kind::Duration, "5"),
            (Kind::DurationList, " , "),
            (Kind::DurationList, "5m,x"),
            (Kind::Networks, "10.0.0.0/33"),
            (Kind::Ips, "192.0.2.1,nope"),
            (Kind::Nameservers, "nope"),
            (Kind::Zones, "a..b"),
            (Kind::Bool, "maybe"),
            (Kind::Text, "a\u{7}b"),
            (Kind::Address, "no-at-sign"),
            (Kind::OneOf(&["x", "y"]), "z"),
        ];
        for (kind, v) in bad {
            assert!(validate(&k(*kind), v).is_err(), "{kind:?} {v:?} accepted");
        }
    }
}
