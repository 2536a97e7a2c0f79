//! What `setup` can find out about the machine by itself, offered as defaults. Nothing here
//! calls an outside service: addresses come from the interfaces, names from local files.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Detected {
    /// The machine's fully qualified name, if it has one.
    pub fqdn: Option<String>,
    /// Addresses on the interfaces, public ones first.
    pub addresses: Vec<Addr>,
    pub ports: Vec<Port>,
    /// Certificates certbot manages, by name.
    pub letsencrypt: Vec<LetsEncrypt>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Addr {
    pub ip: IpAddr,
    pub public: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Port {
    pub port: u16,
    pub service: &'static str,
    /// free, in use, or needs root
    pub state: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct LetsEncrypt {
    pub name: String,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub const SERVICE_PORTS: [(u16, &str); 7] = [
    (25, "smtp"),
    (587, "submission"),
    (465, "submissions"),
    (143, "imap"),
    (993, "imaps"),
    (110, "pop3"),
    (995, "pop3s"),
];

pub fn detect() -> Detected {
    Detected {
        fqdn: fqdn(),
        addresses: addresses(),
        ports: ports(),
        letsencrypt: letsencrypt("/etc/letsencrypt/live"),
    }
}

/// The host name if it is qualified, else the first qualified alias of it in /etc/hosts.
pub fn fqdn() -> Option<String> {
    let short = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()?
        .trim()
        .to_string();
    if short.contains('.') {
        return Some(short);
    }
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .filter(|l| {
            l.split_whitespace()
                .skip(1)
                .any(|n| n == short || n.starts_with(&format!("{short}.")))
        })
        .flat_map(|l| {
            l.split_whitespace()
                .skip(1)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .find(|n| n.contains('.') && n.starts_with(&format!("{short}.")))
}

/// Whether an address can be reached from the Internet (not loopback, private, link-local,
/// shared, documentation or unique-local space).
pub fn is_public(ip: &IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || o[0] == 0
                || o[0] >= 224)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0x0db8
                || v6.is_multicast())
        }
    }
}

/// Interface addresses, public first, loopback left out.
pub fn addresses() -> Vec<Addr> {
    let out: Vec<IpAddr> = crate::sys::interface_addresses();
    let mut addrs: Vec<Addr> = out
        .into_iter()
        .filter(|ip| !ip.is_loopback())
        .map(|ip| Addr {
            public: is_public(&ip),
            ip,
        })
        .collect();
    addrs.sort_by_key(|a| (!a.public, a.ip.is_ipv6()));
    addrs.dedup_by_key(|a| a.ip);
    addrs
}

fn ports() -> Vec<Port> {
    SERVICE_PORTS
        .iter()
        .map(|&(port, service)| {
            let state = match TcpListener::bind(SocketAddr::from(([0, 0, 0, 0], port))) {
                Ok(_) => "free",
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => "in use",
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => "needs root",
                Err(_) => "unavailable",
            };
            Port {
                port,
                service,
                state,
            }
        })
        .collect()
}

/// Certificates under certbot's `live/` directory that have both files.
pub fn letsencrypt(live: &str) -> Vec<LetsEncrypt> {
    let Ok(entries) = std::fs::read_dir(live) else {
        return Vec::new();
    };
    let mut out: Vec<LetsEncrypt> = entries
        .flatten()
        .filter_map(|e| {
            let dir = e.path();
            let (cert, key) = (dir.join("fullchain.pem"), dir.join("privkey.pem"));
            (cert.exists() && key.exists()).then(|| LetsEncrypt {
                name: e.file_name().to_string_lossy().into_owned(),
                cert,
                key,
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_addresses() {
        for ip in ["8.8.8.8", "2a00:1450::1", "93.184.216.34"] {
            assert!(is_public(&ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "10.0.0.1",
            "192.168.1.1",
            "172.16.0.1",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.1.1",
            "192.0.2.1",
            "fd00::1",
            "fe80::1",
            "::1",
            "2001:db8::1",
        ] {
            assert!(!is_public(&ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn finds_certbot_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let live = dir.path().join("mail.example.org");
        std::fs::create_dir_all(&live).unwrap();
        std::fs::write(live.join("fullchain.pem"), "x").unwrap();
        std::fs::write(live.join("privkey.pem"), "x").unwrap();
        std::fs::create_dir_all(dir.path().join("half")).unwrap();
        let found = letsencrypt(dir.path().to_str().unwrap());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "mail.example.org");
    }
}
