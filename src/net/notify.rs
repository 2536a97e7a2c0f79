//! systemd's readiness protocol (sd_notify): `READY=1` once the listeners are bound and
//! privileges dropped, `RELOADING=1`/`READY=1` around a certificate reload, `STOPPING=1` at
//! shutdown. A no-op when not started by systemd (no `NOTIFY_SOCKET`).

use std::os::unix::net::UnixDatagram;

/// Sends one state line to the service manager, if there is one. Errors are ignored: a
/// daemon must not fail because its supervisor went away.
pub fn notify(state: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(sock) = UnixDatagram::unbound() else {
        return;
    };
    let bytes = path.as_encoded_bytes();
    let result = if let Some(name) = bytes.strip_prefix(b"@") {
        // An abstract socket (Linux): the leading '@' stands for a NUL byte.
        use std::os::linux::net::SocketAddrExt;
        std::os::unix::net::SocketAddr::from_abstract_name(name)
            .and_then(|addr| sock.send_to_addr(state.as_bytes(), &addr))
    } else {
        sock.send_to(state.as_bytes(), std::path::Path::new(&path))
    };
    if let Err(e) = result {
        tracing::debug!("sd_notify {state}: {e}");
    }
}
