//! The few platform calls std does not offer, each behind a safe function: who we run as
//! (uid, root, account and group names), becoming the service account, the certificate
//! reader's fork, signalling a daemon, locks and syncs, the `*at` calls `maildir::safe`
//! builds on, interface addresses, and one allocator knob. Every `unsafe` block of the crate
//! is here, each with the reason it is sound.
//!
//! Linux with glibc (the project's platform, DESIGN.md §1). Not here: policy — what to do as
//! root (net::privs, core::owner), which paths to open (maildir::safe).

use std::ffi::{CStr, CString};
use std::fs::File;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
    if r < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(r)
    }
}

fn cpath(path: &Path) -> io::Result<CString> {
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a path"))
}

// ---- who we are ----------------------------------------------------------------------------

/// The effective uid.
pub fn euid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The real uid (who ran us, e.g. the user behind `sendmail`).
pub fn uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// Whether the process runs with root's rights (effective uid 0).
pub fn is_root() -> bool {
    euid() == 0
}

/// uid and gid of the local account `name` (getpwnam), None when there is no such account.
pub fn user_ids(name: &str) -> Option<(u32, u32)> {
    let c = CString::new(name).ok()?;
    // SAFETY: `c` is NUL-terminated and outlives the call. getpwnam returns NULL or a pointer
    // into static storage; the ids are copied out at once, before any other call could
    // overwrite that storage.
    unsafe {
        let pw = libc::getpwnam(c.as_ptr());
        if pw.is_null() {
            return None;
        }
        Some(((*pw).pw_uid, (*pw).pw_gid))
    }
}

/// The account name of `uid` (getpwuid), None when the system does not know it.
pub fn user_name(uid: u32) -> Option<String> {
    // SAFETY: getpwuid returns NULL or a pointer into static storage whose pw_name, when not
    // NULL, is NUL-terminated; the name is copied at once.
    unsafe {
        let pw = libc::getpwuid(uid);
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        Some(CStr::from_ptr((*pw).pw_name).to_string_lossy().into_owned())
    }
}

/// The group name of `gid` (getgrgid), None when the system does not know it.
pub fn group_name(gid: u32) -> Option<String> {
    // SAFETY: getgrgid returns NULL or a pointer into static storage whose gr_name, when not
    // NULL, is NUL-terminated; the name is copied at once.
    unsafe {
        let gr = libc::getgrgid(gid);
        if gr.is_null() || (*gr).gr_name.is_null() {
            return None;
        }
        Some(CStr::from_ptr((*gr).gr_name).to_string_lossy().into_owned())
    }
}

/// Becomes `uid`/`gid` with `gid` as the only supplementary group: setgroups, setgid, then
/// setuid (last, or the group changes would be refused).
pub fn become_user(uid: u32, gid: u32) -> io::Result<()> {
    // SAFETY: setgroups reads one gid from a valid reference; setgid/setuid take plain
    // integers. Results are checked.
    unsafe {
        if libc::setgroups(1, &gid) != 0 || libc::setgid(gid) != 0 || libc::setuid(uid) != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Whether setuid(0) succeeds, i.e. root could be regained (it must not after a drop).
pub fn can_regain_root() -> bool {
    // SAFETY: setuid takes a plain integer; the result is only compared.
    unsafe { libc::setuid(0) == 0 }
}

// ---- processes -----------------------------------------------------------------------------

/// Forks a helper child that dies with this process (PR_SET_PDEATHSIG), ignores SIGHUP and
/// SIGINT (`pkill -HUP mailctl` is for the daemon only), runs `child` and exits without
/// running this process's destructors or atexit handlers. `parent_only` (e.g. the parent's
/// end of a socketpair) is closed in the child and handed back to the parent with the
/// child's pid; `child` and what it captured are dropped in the parent.
///
/// Meant to be called while the process has one thread (before the tokio runtime exists):
/// fork copies only the calling thread.
pub fn fork_helper<P>(parent_only: P, child: impl FnOnce()) -> io::Result<(libc::pid_t, P)> {
    // SAFETY: fork itself has no memory preconditions. The child is a copy of this thread
    // only; glibc's malloc is made consistent in the child by its own atfork handlers, and a
    // lock held by another thread at the fork stays locked there, which can block the child
    // but not corrupt its memory. The child never returns into the caller: it ends in _exit.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(io::Error::last_os_error());
    }
    if pid == 0 {
        // SAFETY: prctl and signal with constant arguments; getppid cannot fail; _exit never
        // returns.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            libc::signal(libc::SIGINT, libc::SIG_IGN);
            // The parent died before PDEATHSIG was armed: nobody will ask for anything.
            if libc::getppid() == 1 {
                libc::_exit(0);
            }
        }
        drop(parent_only);
        child();
        // SAFETY: _exit ends the process at once; it has no preconditions.
        unsafe { libc::_exit(0) }
    }
    Ok((pid, parent_only))
}

/// Whether a process `pid` exists (kill with signal 0; EPERM means it exists but belongs to
/// someone else).
pub fn process_exists(pid: libc::pid_t) -> bool {
    // SAFETY: kill with signal 0 sends nothing; it only checks the pid.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Sends SIGHUP (reload) to `pid`.
pub fn send_hangup(pid: libc::pid_t) -> io::Result<()> {
    // SAFETY: sending a signal has no memory-safety preconditions.
    cvt(unsafe { libc::kill(pid, libc::SIGHUP) }).map(|_| ())
}

/// Keeps allocations of `bytes` and more in mmap, so they go back to the system on free
/// (glibc's dynamic threshold would otherwise grow and keep them in per-thread arenas).
pub fn set_mmap_threshold(bytes: i32) {
    // SAFETY: mallopt only changes allocator tuning and takes plain integers.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, bytes);
    }
}

/// Caps glibc's malloc arenas at `n`: each thread that allocates under contention gets
/// an arena of its own (up to 8 per core), and what a burst of blocking-pool threads freed
/// stays in theirs after they exit.
pub fn set_arena_max(n: i32) {
    // SAFETY: mallopt only changes allocator tuning and takes plain integers.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, n);
    }
}

/// The environment variable glibc reads its malloc tunables from, once, at exec.
pub const GLIBC_TUNABLES: &str = "GLIBC_TUNABLES";

/// The `GLIBC_TUNABLES` value that caps glibc's per-thread cache (tcache) at `count`
/// chunks per size class, keeping whatever else `current` sets; `None` when `current`
/// already sets the tcache count (the administrator's choice stands).
pub fn tunables_with_tcache_count(current: Option<&str>, count: u32) -> Option<String> {
    let current = current.unwrap_or("").trim_matches(':');
    let set = current
        .split(':')
        .any(|t| t.split('=').next() == Some("glibc.malloc.tcache_count"));
    if set {
        return None;
    }
    let ours = format!("glibc.malloc.tcache_count={count}");
    Some(if current.is_empty() {
        ours
    } else {
        format!("{current}:{ours}")
    })
}

/// Runs this program again, same arguments and process id, with glibc's tcache capped at
/// `count` chunks per size class (see [`tunables_with_tcache_count`]); returns at once if
/// it already runs so. glibc reads that setting only at exec (there is no mallopt for it),
/// hence the exec, which must come before anything else the process does. Each thread
/// keeps up to 7 freed chunks of each small size for itself (glibc's default), and a
/// long-lived tokio worker that dropped a thousand sessions keeps them for good: scattered
/// over the heap, they pin pages malloc_trim cannot return (~1-2 MiB after 1,000 IMAP
/// sessions closed). Returns the error when the exec failed; the caller runs on as is.
#[cfg(target_env = "gnu")]
pub fn reexec_with_tcache_count(count: u32) -> io::Result<()> {
    use std::os::unix::process::CommandExt;
    let current = std::env::var(GLIBC_TUNABLES).ok();
    let Some(tunables) = tunables_with_tcache_count(current.as_deref(), count) else {
        return Ok(());
    };
    let exe = std::env::current_exe()?;
    let mut args = std::env::args_os();
    let mut cmd = std::process::Command::new(exe);
    if let Some(arg0) = args.next() {
        cmd.arg0(arg0);
    }
    Err(cmd.args(args).env(GLIBC_TUNABLES, tunables).exec())
}

/// Not glibc: no tcache to cap.
#[cfg(not(target_env = "gnu"))]
pub fn reexec_with_tcache_count(_count: u32) -> io::Result<()> {
    Ok(())
}

/// Returns free heap memory of every arena to the system (glibc's malloc_trim).
pub fn trim_heap() {
    // SAFETY: malloc_trim only releases free pages of the allocator's own heaps.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// The host name (gethostname), None when it cannot be read.
pub fn hostname() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for writes of its length; gethostname NUL-terminates on
    // success (a truncated name is cut at the buffer's end below).
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
    ok.then(|| String::from_utf8_lossy(&buf[..end]).into_owned())
}

/// The addresses of the network interfaces (getifaddrs); empty when they cannot be read.
pub fn interface_addresses() -> Vec<IpAddr> {
    let mut out = Vec::new();
    let mut ifap: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills a linked list that is only read here and then freed with
    // freeifaddrs; each ifa_addr is non-NULL-checked and cast to the sockaddr type its
    // sa_family says it is.
    unsafe {
        if libc::getifaddrs(&mut ifap) != 0 {
            return Vec::new();
        }
        let mut cur = ifap;
        while !cur.is_null() {
            let ifa = &*cur;
            if !ifa.ifa_addr.is_null() {
                match i32::from((*ifa.ifa_addr).sa_family) {
                    libc::AF_INET => {
                        let sa = &*(ifa.ifa_addr as *const libc::sockaddr_in);
                        out.push(IpAddr::V4(Ipv4Addr::from(u32::from_be(sa.sin_addr.s_addr))));
                    }
                    libc::AF_INET6 => {
                        let sa = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
                        out.push(IpAddr::V6(Ipv6Addr::from(sa.sin6_addr.s6_addr)));
                    }
                    _ => {}
                }
            }
            cur = ifa.ifa_next;
        }
        libc::freeifaddrs(ifap);
    }
    out
}

// ---- files ---------------------------------------------------------------------------------

/// Whether this process may use `path` as `mode` says (access(2), R_OK/W_OK/X_OK).
pub fn access(path: &Path, mode: libc::c_int) -> bool {
    let Ok(c) = cpath(path) else {
        return false;
    };
    // SAFETY: access only reads the NUL-terminated path.
    unsafe { libc::access(c.as_ptr(), mode) == 0 }
}

/// Octets an unprivileged writer may still use on the filesystem holding `dir` (statvfs).
pub fn free_space(dir: &Path) -> Option<u64> {
    let path = cpath(dir).ok()?;
    // SAFETY: `path` is a valid NUL-terminated string and `st` a properly sized out-parameter
    // that statvfs fills completely on success; it is read only then.
    let st = unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        (libc::statvfs(path.as_ptr(), &mut st) == 0).then_some(st)
    }?;
    Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
}

/// Takes an exclusive lock on `file` without waiting (flock LOCK_EX|LOCK_NB); false when
/// someone else holds it (or locking failed).
pub fn try_lock_exclusive(file: &File) -> bool {
    // SAFETY: flock on a descriptor the File keeps open; no memory is passed.
    unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
}

/// Flushes the whole filesystem holding `file` (syncfs).
pub fn syncfs(file: &File) -> io::Result<()> {
    // SAFETY: syncfs on a descriptor the File keeps open.
    cvt(unsafe { libc::syncfs(file.as_raw_fd()) }).map(|_| ())
}

/// fsync of any descriptor (a directory opened with O_DIRECTORY included).
pub fn fsync(fd: BorrowedFd<'_>) -> io::Result<()> {
    // SAFETY: fsync on a descriptor the BorrowedFd guarantees open.
    cvt(unsafe { libc::fsync(fd.as_raw_fd()) }).map(|_| ())
}

/// mkdirat: creates `name` (one component) in the directory `dir`.
pub fn mkdirat(dir: BorrowedFd<'_>, name: &CStr, mode: libc::mode_t) -> io::Result<()> {
    // SAFETY: `dir` is an open descriptor and `name` a NUL-terminated string that outlives
    // the call; mkdirat only reads it.
    cvt(unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), mode) }).map(|_| ())
}

/// openat: opens `name` relative to the directory `dir` with `flags` (and `mode` when
/// creating); the new descriptor is owned by the result.
pub fn openat(
    dir: BorrowedFd<'_>,
    name: &CStr,
    flags: libc::c_int,
    mode: libc::c_uint,
) -> io::Result<OwnedFd> {
    // SAFETY: `dir` is an open descriptor and `name` NUL-terminated; the variadic mode is
    // passed as c_uint as openat(2) expects.
    let fd = cvt(unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags, mode) })?;
    // SAFETY: `fd` was just returned by openat and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// renameat: renames `from` in `from_dir` to `to` in `to_dir`.
pub fn renameat(
    from_dir: BorrowedFd<'_>,
    from: &CStr,
    to_dir: BorrowedFd<'_>,
    to: &CStr,
) -> io::Result<()> {
    // SAFETY: both descriptors are open, both names NUL-terminated and outlive the call.
    cvt(unsafe {
        libc::renameat(
            from_dir.as_raw_fd(),
            from.as_ptr(),
            to_dir.as_raw_fd(),
            to.as_ptr(),
        )
    })
    .map(|_| ())
}

/// unlinkat: removes the file `name` from `dir` (a link is removed, never its target).
pub fn unlinkat(dir: BorrowedFd<'_>, name: &CStr) -> io::Result<()> {
    // SAFETY: open descriptor, NUL-terminated name.
    cvt(unsafe { libc::unlinkat(dir.as_raw_fd(), name.as_ptr(), 0) }).map(|_| ())
}

/// mkfifo, for tests that need a FIFO where a file is expected.
#[cfg(test)]
pub fn mkfifo(path: &Path, mode: libc::mode_t) -> io::Result<()> {
    let c = cpath(path)?;
    // SAFETY: mkfifo only reads the NUL-terminated path.
    cvt(unsafe { libc::mkfifo(c.as_ptr(), mode) }).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn the_tcache_cap_joins_other_tunables_and_never_overrides_one_set() {
        let n = |cur: Option<&str>| tunables_with_tcache_count(cur, 1);
        assert_eq!(n(None).as_deref(), Some("glibc.malloc.tcache_count=1"));
        assert_eq!(n(Some("")).as_deref(), Some("glibc.malloc.tcache_count=1"));
        assert_eq!(
            n(Some("glibc.malloc.check=3:")).as_deref(),
            Some("glibc.malloc.check=3:glibc.malloc.tcache_count=1")
        );
        // Set already (by the administrator, or by the exec that this is): left alone,
        // which is also what stops a second exec.
        assert_eq!(n(Some("glibc.malloc.tcache_count=7")), None);
        assert_eq!(n(Some("a.b=1:glibc.malloc.tcache_count=0")), None);
        // A longer name that merely starts the same is another tunable.
        assert!(n(Some("glibc.malloc.tcache_count_x=2")).is_some());
    }

    #[test]
    fn ids_and_names_agree_with_the_system() {
        assert_eq!(user_ids("root"), Some((0, 0)));
        assert_eq!(user_name(0).as_deref(), Some("root"));
        assert_eq!(group_name(0).as_deref(), Some("root"));
        assert_eq!(user_ids("no-such-account-here"), None);
        assert_eq!(user_ids("nul\0inside"), None);
        assert_eq!(is_root(), euid() == 0);
    }

    #[test]
    fn this_process_exists_and_a_free_pid_does_not() {
        assert!(process_exists(std::process::id() as libc::pid_t));
        // pid_max is at most 2^22 on Linux.
        assert!(!process_exists(i32::MAX));
    }

    #[test]
    fn the_at_calls_work_relative_to_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let d = File::open(dir.path()).unwrap();
        mkdirat(d.as_fd(), c"sub", 0o700).unwrap();
        let f = openat(
            d.as_fd(),
            c"f",
            libc::O_RDWR | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC,
            0o600,
        )
        .unwrap();
        drop(f);
        renameat(d.as_fd(), c"f", d.as_fd(), c"g").unwrap();
        assert!(dir.path().join("g").is_file());
        unlinkat(d.as_fd(), c"g").unwrap();
        assert!(!dir.path().join("g").exists());
        fsync(d.as_fd()).unwrap();
        assert!(free_space(dir.path()).is_some());
        assert!(access(dir.path(), libc::R_OK));
        mkfifo(&dir.path().join("p"), 0o600).unwrap();
        assert!(std::os::unix::fs::FileTypeExt::is_fifo(
            &std::fs::metadata(dir.path().join("p")).unwrap().file_type()
        ));
    }
}
