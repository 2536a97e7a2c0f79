//! What the DNS checks and the records to publish take from a data directory: the resolvers
//! (`dns.nameserver`), this server's host name and public addresses, its DKIM keys, its
//! blocklists and listeners. One place, so `mailctl dns check`/`records`, `setup` and the web
//! administration ask the same questions with the same input.
//!
//! Not here: the checks (`dns::check`), the record texts (`dns::records`), flag parsing (the
//! CLI).

use std::net::{IpAddr, SocketAddr};

use super::check::Input;
use super::records::{self, Services};
use crate::core::{DataDir, Db, Domain};

/// The port of the first address a `listen.*` setting gives; None when it is empty (off).
pub fn port(db: &Db, key: &str) -> Option<u16> {
    db.setting(key)
        .ok()?
        .split(',')
        .filter_map(|a| a.parse::<SocketAddr>().ok())
        .map(|a| a.port())
        .next()
}

/// The client services this server listens for, as the records advertise them.
pub fn services(db: &Db) -> Services {
    Services {
        submission: port(db, "listen.submission"),
        submissions: port(db, "listen.submissions"),
        imap: port(db, "listen.imap"),
        imaps: port(db, "listen.imaps"),
        pop3: port(db, "listen.pop3"),
        pop3s: port(db, "listen.pop3s"),
        managesieve: port(db, "listen.managesieve"),
        webmail: crate::autoconfig::webmail_url(db).ok().flatten(),
    }
}

/// This server's host name (setting `hostname`, else the system's) and public addresses
/// (`ips` where given, else setting `public_ip`).
pub fn host_and_ips(db: &Db, ips: &[IpAddr]) -> crate::core::Result<(String, Vec<IpAddr>)> {
    let hostname = match db.setting("hostname")? {
        h if h.is_empty() => crate::core::settings::system_hostname(),
        h => h,
    };
    let ips: Vec<IpAddr> = if ips.is_empty() {
        db.setting("public_ip")?
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect()
    } else {
        ips.to_vec()
    };
    Ok((hostname, ips))
}

/// The records to publish for a domain served here, from the settings.
pub fn records_for(
    db: &Db,
    data_dir: &DataDir,
    domain: &Domain,
    ips: &[IpAddr],
) -> Result<Vec<records::Record>, String> {
    let (hostname, ips) = host_and_ips(db, ips).map_err(|e| e.to_string())?;
    let keys = crate::dkim::keys(&data_dir.dkim(), domain).map_err(|e| e.to_string())?;
    Ok(records::records(
        domain,
        &hostname,
        &ips,
        &keys,
        &services(db),
    ))
}

/// The resolvers to ask: `given` where not empty, else the `dns.nameserver` setting
/// (unparsable entries left out, as the daemon does).
fn nameservers(given: Vec<SocketAddr>, setting: &str) -> Vec<SocketAddr> {
    use crate::core::settings::parse_nameserver;
    if !given.is_empty() {
        return given;
    }
    setting
        .split(',')
        .filter(|s| !s.is_empty())
        .filter_map(|s| parse_nameserver(s).ok())
        .collect()
}

/// What a check of `d` asks about, beyond the domain: given values win over the settings.
#[derive(Default)]
pub struct Given {
    pub ip: Vec<IpAddr>,
    pub selector: Vec<String>,
    pub zones: Vec<String>,
    pub nameserver: Vec<SocketAddr>,
    pub sender: Option<String>,
}

/// What a check needs: the resolvers to ask and the check's input. `db` is None without a
/// data directory (checking a domain from anywhere).
pub fn prepare(
    db: Option<&Db>,
    data_dir: &DataDir,
    d: &Domain,
    given: Given,
) -> (Vec<SocketAddr>, Input) {
    let setting = |k: &str| db.and_then(|db| db.setting(k).ok()).unwrap_or_default();
    let servers = nameservers(given.nameserver, &setting("dns.nameserver"));
    // The HELO name the daemon of this data dir uses; unknown without a data dir.
    let hostname = match setting("hostname") {
        _ if db.is_none() => None,
        h if h.is_empty() => Some(crate::core::settings::system_hostname()),
        h => Some(h),
    };
    let ips: Vec<IpAddr> = if given.ip.is_empty() {
        setting("public_ip")
            .split(',')
            .filter_map(|s| s.parse().ok())
            .collect()
    } else {
        given.ip
    };
    // Every readable key: one unreadable key must not hide the others from the check.
    let keys: Vec<_> = crate::dkim::keys_each(&data_dir.dkim(), d)
        .into_iter()
        .filter_map(Result::ok)
        .collect();
    let selectors = if given.selector.is_empty() {
        keys.iter().map(|k| k.selector.clone()).collect()
    } else {
        given.selector
    };
    let zones = match setting("dnsbl.zones") {
        _ if !given.zones.is_empty() => given.zones.join(","),
        z if z.is_empty() && db.is_none() => crate::core::settings::lookup("dnsbl.zones")
            .map(|s| s.default.to_string())
            .unwrap_or_default(),
        z => z,
    };
    // ManageSieve runs here when its listener is set (only known with a data dir).
    let managesieve = db.and_then(|db| port(db, "listen.managesieve"));
    // A backup MX checks that the domain's MX lists it behind the primary.
    let backup_mx = db
        .and_then(|db| crate::smtp::backupmx::Settings::read(db).ok().flatten())
        .is_some_and(|b| b.serves(d.as_str()));
    let input = Input {
        domain: d.to_string(),
        managesieve,
        backup_mx,
        hostname,
        ips,
        selectors,
        keys,
        spf_sender: given.sender,
        dnsbl_zones: zones
            .split(',')
            .filter(|z| !z.is_empty())
            .map(str::to_string)
            .collect(),
    };
    (servers, input)
}

/// Which of the held keys the daemon running on this data dir (if any) really signs with.
pub fn daemon_signing(
    data_dir: &DataDir,
    d: &Domain,
    held: &[crate::dkim::DkimKey],
) -> Vec<super::check::Finding> {
    use super::check::signing::{Daemon, daemon_signing};
    let running = crate::core::runtime::running(data_dir);
    let domain = d.to_string();
    let daemon = running.first().map(|st| Daemon {
        pid: st.pid,
        user: &st.user,
        selectors: st
            .dkim
            .iter()
            .filter(|k| k.domain.eq_ignore_ascii_case(&domain))
            .map(|k| k.selector.as_str())
            .collect(),
    });
    daemon_signing(held, daemon.as_ref())
}
