//! Dropping root after binding privileged ports: setgroups, setgid, setuid to the configured
//! account, in that order (setuid last, or the group change would be refused).

use std::ffi::CString;

use super::NetError;

pub fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Switches to `user` if running as root; does nothing otherwise.
pub fn drop_to(user: &str) -> Result<(), NetError> {
    if !is_root() {
        return Ok(());
    }
    let fail = |why: String| NetError::Privileges {
        user: user.to_string(),
        why,
    };
    let name = CString::new(user).map_err(|_| fail("the name holds a NUL".into()))?;
    // SAFETY: getpwnam returns a pointer into static storage or NULL; we copy what we need
    // before any other call that could overwrite it.
    let (uid, gid) = unsafe {
        let pw = libc::getpwnam(name.as_ptr());
        if pw.is_null() {
            return Err(fail(
                "no such account; create it (useradd --system mailctl) or set server.user".into(),
            ));
        }
        ((*pw).pw_uid, (*pw).pw_gid)
    };
    // SAFETY: plain syscalls with valid arguments; results checked.
    unsafe {
        if libc::setgroups(1, &gid) != 0 || libc::setgid(gid) != 0 || libc::setuid(uid) != 0 {
            return Err(fail(std::io::Error::last_os_error().to_string()));
        }
        // Make sure root cannot be regained.
        if libc::setuid(0) == 0 {
            return Err(fail("could regain root after setuid".into()));
        }
    }
    Ok(())
}
