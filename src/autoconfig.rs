//! Client autoconfiguration: the Thunderbird-style `config-v1.1.xml` (also read by K-9 /
//! Thunderbird for Android, Evolution and others) describing this server's IMAP, POP3 and
//! submission endpoints, so a mail client configures itself from the address alone.
//!
//! Served by a tiny HTTP/1.1 responder on the optional `autoconfig` listener (setting
//! `listen.autoconfig`, off by default; put it behind the web server or a TLS proxy that owns
//! autoconfig.<domain>), and printed by `mailctl autoconfig DOMAIN` for hosting elsewhere.
//! With webmail on (`listen.web`), the document names its login page too ([`webmail_url`],
//! which `setup` and `dns records` print as well).
//! Not here: Microsoft's autodiscover (POX/JSON) and the DNS records (`dns records`).
//! Nor ManageSieve: `config-v1.1.xml` has no element for it (nor has Apple's .mobileconfig),
//! and the clients that speak it (Thunderbird's sieve add-on, Roundcube's managesieve
//! plugin) are pointed at it by hand or find it by the standard way, RFC 5804 §1.8's
//! `_sieve._tcp` SRV record, which `dns records` prints and `dns check` looks for.

use crate::core::{Db, Domain};
use crate::net::http::response;

/// The endpoints a client should use, from the listener settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub hostname: String,
    /// (type, port, socketType) in order of preference.
    pub incoming: Vec<(&'static str, u16, &'static str)>,
    pub outgoing: Vec<(u16, &'static str)>,
    /// The webmail's address when `listen.web` is on ([`webmail_url`]).
    pub webmail: Option<String>,
}

/// Where users find webmail, when `listen.web` is on: `https://HOSTNAME/`, with the port
/// unless it is 443. With `web.tls off` the listener is a loopback one behind a TLS proxy,
/// which users reach on the host name's port 443. None when webmail is off.
pub fn webmail_url(db: &Db) -> crate::core::Result<Option<String>> {
    let Some(port) = port_of(&db.setting("listen.web")?) else {
        return Ok(None);
    };
    let host = hostname(db)?;
    let host = host.trim_end_matches('.');
    Ok(Some(if db.setting("web.tls")? == "off" || port == 443 {
        format!("https://{host}/")
    } else {
        format!("https://{host}:{port}/")
    }))
}

/// This server's name: setting `hostname`, else the system's.
fn hostname(db: &Db) -> crate::core::Result<String> {
    Ok(match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    })
}

fn port_of(list: &str) -> Option<u16> {
    list.split(',')
        .filter_map(|a| a.parse::<std::net::SocketAddr>().ok())
        .map(|a| a.port())
        .next()
}

impl Endpoints {
    pub fn from_settings(db: &Db) -> crate::core::Result<Endpoints> {
        let hostname = hostname(db)?;
        let get = |k: &str| db.setting(k).ok().and_then(|v| port_of(&v));
        let mut incoming = Vec::new();
        if let Some(p) = get("listen.imaps") {
            incoming.push(("imap", p, "SSL"));
        }
        if let Some(p) = get("listen.imap") {
            incoming.push(("imap", p, "STARTTLS"));
        }
        if let Some(p) = get("listen.pop3s") {
            incoming.push(("pop3", p, "SSL"));
        }
        if let Some(p) = get("listen.pop3") {
            incoming.push(("pop3", p, "STARTTLS"));
        }
        let mut outgoing = Vec::new();
        if let Some(p) = get("listen.submissions") {
            outgoing.push((p, "SSL"));
        }
        if let Some(p) = get("listen.submission") {
            outgoing.push((p, "STARTTLS"));
        }
        Ok(Endpoints {
            hostname,
            incoming,
            outgoing,
            webmail: webmail_url(db)?,
        })
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The config-v1.1.xml document for one of our domains.
pub fn config_xml(domain: &Domain, ep: &Endpoints) -> String {
    let d = xml_escape(domain.as_str());
    let host = xml_escape(&ep.hostname);
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n  <emailProvider id=\"{d}\">\n    <domain>{d}</domain>\n    <displayName>{d} mail</displayName>\n    <displayShortName>{d}</displayShortName>\n"
    );
    for (kind, port, socket) in &ep.incoming {
        x.push_str(&format!(
            "    <incomingServer type=\"{kind}\">\n      <hostname>{host}</hostname>\n      <port>{port}</port>\n      <socketType>{socket}</socketType>\n      <authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </incomingServer>\n"
        ));
    }
    for (port, socket) in &ep.outgoing {
        x.push_str(&format!(
            "    <outgoingServer type=\"smtp\">\n      <hostname>{host}</hostname>\n      <port>{port}</port>\n      <socketType>{socket}</socketType>\n      <authentication>password-cleartext</authentication>\n      <username>%EMAILADDRESS%</username>\n    </outgoingServer>\n"
        ));
    }
    x.push_str("  </emailProvider>\n");
    // The format's own place for a provider's webmail, beside (not inside) emailProvider.
    if let Some(url) = &ep.webmail {
        x.push_str(&format!(
            "  <webMail>\n    <loginPage url=\"{}\"/>\n  </webMail>\n",
            xml_escape(url)
        ));
    }
    x.push_str("</clientConfig>\n");
    x
}

/// What a request asks for: the domain, from `?emailaddress=` or the Host header
/// (`autoconfig.example.org`).
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    Config(String),
    NotFound,
    Bad,
}

/// Parses an HTTP request head (sans-IO).
pub fn parse_request(head: &str) -> Request {
    let mut lines = head.split("\r\n");
    let Some(first) = lines.next() else {
        return Request::Bad;
    };
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Request::Bad;
    };
    if !version.starts_with("HTTP/1.") || !(method == "GET" || method == "HEAD") {
        return Request::Bad;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/mail/config-v1.1.xml" && path != "/.well-known/autoconfig/mail/config-v1.1.xml" {
        return Request::NotFound;
    }
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("emailaddress=") {
            let v = v.replace("%40", "@");
            if let Some((_, d)) = v.rsplit_once('@') {
                return Request::Config(d.to_string());
            }
        }
    }
    for line in lines {
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("host")
        {
            let host = value.trim().split(':').next().unwrap_or("");
            let domain = host.strip_prefix("autoconfig.").unwrap_or(host);
            return Request::Config(domain.to_string());
        }
    }
    Request::NotFound
}

/// Answers one HTTP request from the database (blocking; call off the async workers).
pub fn answer(db: &Db, head: &str) -> Vec<u8> {
    let head_only = head.starts_with("HEAD ");
    match parse_request(head) {
        Request::Bad => response("400 Bad Request", "text/plain", "bad request\n", head_only),
        Request::NotFound => response("404 Not Found", "text/plain", "not found\n", head_only),
        Request::Config(d) => {
            let served = Domain::parse(&d)
                .ok()
                .filter(|d| db.domain_exists(d).unwrap_or(false));
            match (served, Endpoints::from_settings(db)) {
                (Some(domain), Ok(ep)) => response(
                    "200 OK",
                    "application/xml; charset=utf-8",
                    &config_xml(&domain, &ep),
                    head_only,
                ),
                _ => response(
                    "404 Not Found",
                    "text/plain",
                    "no such domain here\n",
                    head_only,
                ),
            }
        }
    }
}

/// Serves autoconfig requests on `listener` until shutdown, through the one small HTTP
/// responder ([`crate::net::http`]).
pub async fn serve(
    listener: tokio::net::TcpListener,
    pool: std::sync::Arc<crate::core::pool::DbPool>,
    shutdown: crate::net::shutdown::Shutdown,
) {
    let answer = move |head: &str| match pool.get() {
        Ok(db) => answer(&db, head),
        Err(_) => response(
            "503 Service Unavailable",
            "text/plain",
            "try again later\n",
            false,
        ),
    };
    crate::net::http::serve(listener, std::sync::Arc::new(answer), shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests() {
        assert_eq!(
            parse_request(
                "GET /mail/config-v1.1.xml?emailaddress=a%40example.org HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            Request::Config("example.org".into())
        );
        assert_eq!(
            parse_request(
                "GET /.well-known/autoconfig/mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.example.org:8080\r\n\r\n"
            ),
            Request::Config("example.org".into())
        );
        assert_eq!(
            parse_request("GET /other HTTP/1.1\r\n\r\n"),
            Request::NotFound
        );
        assert_eq!(
            parse_request("POST /mail/config-v1.1.xml HTTP/1.1\r\n\r\n"),
            Request::Bad
        );
        assert_eq!(parse_request("garbage"), Request::Bad);
    }

    #[test]
    fn xml_lists_enabled_endpoints_only() {
        let ep = Endpoints {
            hostname: "mail.example.org".into(),
            incoming: vec![("imap", 993, "SSL")],
            outgoing: vec![(587, "STARTTLS")],
            webmail: None,
        };
        let x = config_xml(&Domain::parse("example.org").unwrap(), &ep);
        assert!(
            x.contains("<incomingServer type=\"imap\">")
                && x.contains("<port>993</port>")
                && x.contains("<socketType>SSL</socketType>")
        );
        assert!(!x.contains("pop3"));
        assert!(x.contains("<outgoingServer type=\"smtp\">") && x.contains("<port>587</port>"));
        assert!(!x.contains("webMail"), "webmail off: no login page");
    }

    #[test]
    fn xml_names_the_webmail_login_page_when_webmail_is_on() {
        let ep = Endpoints {
            hostname: "mail.example.org".into(),
            incoming: vec![("imap", 993, "SSL")],
            outgoing: vec![],
            webmail: Some("https://mail.example.org:2443/?a=1&b=2".into()),
        };
        let x = config_xml(&Domain::parse("example.org").unwrap(), &ep);
        let at = x.find("<webMail>").expect("a webMail element");
        assert!(at > x.find("</emailProvider>").unwrap(), "{x}");
        assert!(
            x.contains("<loginPage url=\"https://mail.example.org:2443/?a=1&amp;b=2\"/>"),
            "{x}"
        );
        assert!(x.ends_with("</webMail>\n</clientConfig>\n"), "{x}");
    }
}
