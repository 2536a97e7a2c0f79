//! Loopback ports for tests that must name a port before a server takes it.

use std::net::TcpListener;

/// A TCP port nothing listens on right now (bound, read, released).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// A port free on every one of `ips`, so several instances can share `delivery.port`.
pub fn common_port(ips: &[&str]) -> u16 {
    for _ in 0..200 {
        let port = free_port();
        if ips.iter().all(|ip| TcpListener::bind((*ip, port)).is_ok()) {
            return port;
        }
    }
    panic!("no common free port");
}
