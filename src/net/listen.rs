//! Listener specs (`NAME=ADDR:PORT`) and binding. Port 0 picks a free port; the bound
//! address is what gets reported, so tests never race for ports.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::NetError;

/// Listen addresses per listener name (`smtp`, `submission`, ...), in order.
pub type ListenMap = BTreeMap<String, Vec<SocketAddr>>;

/// Parses a comma-separated `ADDR:PORT` list (a setting's value).
pub fn parse_list(value: &str) -> Result<Vec<SocketAddr>, NetError> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse().map_err(|_| {
                NetError::Invalid(format!(
                    "'{s}' is not ADDR:PORT (e.g. 127.0.0.1:25 or [::1]:25)"
                ))
            })
        })
        .collect()
}

/// Parses one `--listen NAME=ADDR:PORT` override.
pub fn parse_override(spec: &str) -> Result<(String, SocketAddr), NetError> {
    let (name, addr) = spec.split_once('=').ok_or_else(|| {
        NetError::Invalid(format!(
            "--listen '{spec}': write NAME=ADDR:PORT, e.g. smtp=127.0.0.1:2525"
        ))
    })?;
    let addr = addr
        .trim()
        .parse()
        .map_err(|_| NetError::Invalid(format!("--listen '{spec}': '{addr}' is not ADDR:PORT")))?;
    Ok((name.trim().to_string(), addr))
}

/// Applies overrides: every name given on the command line replaces that name's setting.
pub fn apply_overrides(map: &mut ListenMap, overrides: &[(String, SocketAddr)]) {
    let mut replaced = std::collections::HashSet::new();
    for (name, addr) in overrides {
        if replaced.insert(name.clone()) {
            map.insert(name.clone(), Vec::new());
        }
        map.entry(name.clone()).or_default().push(*addr);
    }
}

/// Binds a TCP listener (std, non-blocking) with SO_REUSEADDR so restarts do not wait out
/// TIME_WAIT.
pub fn bind(name: &str, addr: SocketAddr) -> Result<std::net::TcpListener, NetError> {
    let err = |source| NetError::Bind {
        name: name.to_string(),
        addr: addr.to_string(),
        source,
    };
    let sock = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()
    } else {
        tokio::net::TcpSocket::new_v6()
    }
    .map_err(err)?;
    sock.set_reuseaddr(true).map_err(err)?;
    sock.bind(addr).map_err(err)?;
    let l = sock.listen(1024).map_err(err)?;
    l.into_std().map_err(err)
}

/// Whether a port is free on this address right now (for `serve --dev` picking ports).
pub fn is_free(addr: SocketAddr) -> bool {
    std::net::TcpListener::bind(addr).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_per_name() {
        let mut m = ListenMap::new();
        m.insert("smtp".into(), parse_list("0.0.0.0:25").unwrap());
        m.insert("submission".into(), parse_list("0.0.0.0:587").unwrap());
        let o = vec![
            parse_override("smtp=127.0.0.1:0").unwrap(),
            parse_override("smtp=[::1]:0").unwrap(),
        ];
        apply_overrides(&mut m, &o);
        assert_eq!(m["smtp"].len(), 2);
        assert_eq!(m["submission"][0].port(), 587);
        assert!(parse_override("smtp:25").is_err());
        assert!(parse_override("smtp=localhost:25").is_err());
    }
}
