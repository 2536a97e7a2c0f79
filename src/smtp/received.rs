//! The `Received:` trace header (RFC 5321 §4.4), laid out as Postfix writes it, with the
//! RFC 3848 protocol keyword (ESMTP, ESMTPS, ESMTPA, ESMTPSA) and TLS/auth comments.

use std::net::IpAddr;

pub struct TraceInfo<'a> {
    pub helo: &'a str,
    pub remote_ip: IpAddr,
    pub hostname: &'a str,
    pub esmtp: bool,
    /// `(protocol version, cipher suite)` when the session is encrypted.
    pub tls: Option<(&'a str, &'a str)>,
    pub auth_user: Option<&'a str>,
    pub queue_id: &'a str,
    /// Named in a `for` clause only when there is exactly one recipient, as Postfix does,
    /// so Bcc recipients are not disclosed.
    pub single_rcpt: Option<&'a str>,
}

/// Strips anything that could end the header or smuggle a new one from peer-given text.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '(' || c == ')' { '_' } else { c })
        .take(255)
        .collect()
}

pub fn header(t: &TraceInfo<'_>) -> String {
    let proto = match (t.esmtp, t.tls.is_some(), t.auth_user.is_some()) {
        (false, _, _) => "SMTP",
        (true, false, false) => "ESMTP",
        (true, true, false) => "ESMTPS",
        (true, false, true) => "ESMTPA",
        (true, true, true) => "ESMTPSA",
    };
    let ip = match t.remote_ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("IPv6:{v6}"),
    };
    let mut h = format!("Received: from {} (unknown [{ip}])\r\n", clean(t.helo));
    if let Some((version, cipher)) = t.tls {
        h.push_str(&format!("\t(using {version} with cipher {cipher})\r\n"));
    }
    if let Some(user) = t.auth_user {
        h.push_str(&format!("\t(Authenticated sender: {})\r\n", clean(user)));
    }
    h.push_str(&format!(
        "\tby {} (mailctl) with {proto} id {}",
        t.hostname, t.queue_id
    ));
    if let Some(rcpt) = t.single_rcpt {
        h.push_str(&format!("\r\n\tfor <{}>", clean(rcpt)));
    }
    h.push_str(&format!("; {}\r\n", chrono::Local::now().to_rfc2822()));
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postfix_like_layout() {
        let h = header(&TraceInfo {
            helo: "client (evil)\r\nX-Injected: 1",
            remote_ip: "127.0.0.1".parse().unwrap(),
            hostname: "mx.example.test",
            esmtp: true,
            tls: Some(("TLSv1.3", "TLS13_AES_256_GCM_SHA384")),
            auth_user: Some("a@example.test"),
            queue_id: "ABC",
            single_rcpt: Some("b@example.test"),
        });
        assert!(
            h.starts_with("Received: from client _evil_X-Injected: 1 (unknown [127.0.0.1])\r\n"),
            "{h}"
        );
        assert!(h.contains("(using TLSv1.3 with cipher TLS13_AES_256_GCM_SHA384)"));
        assert!(h.contains(
            "by mx.example.test (mailctl) with ESMTPSA id ABC\r\n\tfor <b@example.test>; "
        ));
        assert!(h.ends_with("\r\n"));
        assert_eq!(h.matches("\r\n").count(), 5);
    }
}
