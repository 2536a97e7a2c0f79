//! Never through a symlink: the one place that opens files and directories inside a
//! mailbox. Anyone who can write into a Maildir (a shell user, a restore, another MDA) could
//! plant `cur/123:2,S -> /etc/passwd` or make `new/` a link to `/etc`; the daemons run with
//! more rights than that person, so every open here refuses to follow a symlink and refuses
//! anything that is not a regular file or a real directory.
//!
//! Delivery uses directory handles ([`Dir`]): the Maildir root is opened with
//! `O_DIRECTORY|O_NOFOLLOW`, and `tmp/`, `new/` and the message file are opened, created and
//! renamed relative to it (`openat`, `mkdirat`, `renameat`), so a directory swapped for a
//! link after a check is still never followed. Readers check the two directory levels above
//! a message with `lstat` and open the file itself with `O_NOFOLLOW`.
//!
//! Not here: what a Maildir name means (`name`), walking folders (`folder`), reporting and
//! moving aside what is found (`check`).

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, OpenOptionsExt};
use std::path::Path;

use crate::sys;

/// The error for a symlink, or a non-directory where a directory belongs.
pub fn refused(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "{} is {what}; refusing to follow or use it (mail is never read or written through a link — `mailctl maildir check --repair` moves it aside)",
            path.display()
        ),
    )
}

/// What an entry is, from `lstat` (never following a link).
pub fn describe(ft: &std::fs::FileType) -> &'static str {
    if ft.is_symlink() {
        "a symbolic link"
    } else if ft.is_dir() {
        "a directory"
    } else if ft.is_file() {
        "a regular file"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "a device or special file"
    }
}

/// `path` is a directory itself, not a link to one.
pub fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

/// Maps ELOOP/ENOTDIR/EMLINK (what `O_NOFOLLOW`/`O_DIRECTORY` answer) to [`refused`].
fn explain(path: &Path, e: io::Error, want_dir: bool) -> io::Error {
    match e.raw_os_error() {
        Some(libc::ELOOP) | Some(libc::EMLINK) => refused(path, "a symbolic link"),
        Some(libc::ENOTDIR) if want_dir => {
            let what = std::fs::symlink_metadata(path)
                .map(|m| describe(&m.file_type()))
                .unwrap_or("not a directory");
            refused(path, what)
        }
        _ => e,
    }
}

/// Opens a message file for reading: the file itself must be a regular file (not a link, a
/// FIFO or a device) and its directory (`cur/`, `new/`) and that directory's parent (the
/// folder) must be real directories.
pub fn open_message(path: &Path) -> io::Result<File> {
    let mut up = path.parent();
    for _ in 0..2 {
        let Some(dir) = up.filter(|d| !d.as_os_str().is_empty()) else {
            break;
        };
        let md = std::fs::symlink_metadata(dir)?;
        if !md.file_type().is_dir() {
            return Err(refused(dir, describe(&md.file_type())));
        }
        up = dir.parent();
    }
    // O_NONBLOCK: opening a FIFO planted as a message must not hang the reader.
    let f = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| explain(path, e, false))?;
    let ft = f.metadata()?.file_type();
    if !ft.is_file() {
        return Err(refused(path, describe(&ft)));
    }
    Ok(f)
}

/// The whole content of a message file, opened as [`open_message`] does.
pub fn read_message(path: &Path) -> io::Result<Vec<u8>> {
    let mut f = open_message(path)?;
    let mut buf = Vec::with_capacity(f.metadata().map(|m| m.len() as usize).unwrap_or(0));
    f.read_to_end(&mut buf)?;
    Ok(buf)
}

fn cname(name: &str) -> io::Result<CString> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("'{}' is not a single file name", name.escape_debug()),
        ));
    }
    CString::new(name.as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "NUL in a file name"))
}

/// An open directory that was not reached through a symlink; everything below it is opened
/// relative to it.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
    path: std::path::PathBuf,
}

impl Dir {
    /// Opens `path` as a directory; refuses when its last component is a link or not a
    /// directory.
    pub fn open(path: &Path) -> io::Result<Dir> {
        let f = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | libc::O_NOFOLLOW)
            .open(path)
            .map_err(|e| explain(path, e, true))?;
        Ok(Dir {
            fd: f.into(),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The sub-directory `name`, created (0700) if missing; refused if it is a link or not
    /// a directory.
    pub fn sub(&self, name: &str) -> io::Result<Dir> {
        let c = cname(name)?;
        let made = sys::mkdirat(self.fd.as_fd(), &c, 0o700);
        if let Err(e) = made
            && e.kind() != io::ErrorKind::AlreadyExists
        {
            return Err(e);
        }
        let path = self.path.join(name);
        let fd = sys::openat(
            self.fd.as_fd(),
            &c,
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            0,
        )
        .map_err(|e| explain(&path, e, true))?;
        Ok(Dir { fd, path })
    }

    /// Creates the new file `name` (never an existing one, never through a link), open for
    /// reading and writing.
    pub fn create(&self, name: &str, mode: u32) -> io::Result<File> {
        let c = cname(name)?;
        let fd = sys::openat(
            self.fd.as_fd(),
            &c,
            libc::O_RDWR | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            mode as libc::c_uint,
        )?;
        Ok(File::from(fd))
    }

    /// Renames `name` in this directory to `to_name` in `to`.
    pub fn rename(&self, name: &str, to: &Dir, to_name: &str) -> io::Result<()> {
        let (a, b) = (cname(name)?, cname(to_name)?);
        sys::renameat(self.fd.as_fd(), &a, to.fd.as_fd(), &b)
    }

    /// Removes the file `name` (a link is removed, never its target).
    pub fn unlink(&self, name: &str) -> io::Result<()> {
        let c = cname(name)?;
        sys::unlinkat(self.fd.as_fd(), &c)
    }

    /// fsyncs the directory, so a create or rename in it survives a crash.
    pub fn sync(&self) -> io::Result<()> {
        sys::fsync(self.fd.as_fd())
    }
}

/// A Maildir (or a Maildir++ folder) opened for writing: its root, `tmp/`, `new/` and
/// `cur/`, each a real directory (created 0700 if missing).
#[derive(Debug)]
pub struct Maildir {
    pub root: Dir,
    pub tmp: Dir,
    pub new: Dir,
    pub cur: Dir,
}

impl Maildir {
    /// Opens (creating what is missing, 0700) the Maildir at `path`. Its parents are created
    /// as needed; `path` itself and its `tmp/new/cur` must not be links.
    pub fn open(path: &Path) -> io::Result<Maildir> {
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
        {
            // 0700 like the Maildir itself: a domain's directory lists its users.
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)?;
            // The directory holding the Maildir (a domain's directory, or the Maildir of a
            // folder) must not be a link either.
            let md = std::fs::symlink_metadata(parent)?;
            if !md.file_type().is_dir() {
                return Err(refused(parent, describe(&md.file_type())));
            }
        }
        {
            if let Err(e) = std::fs::DirBuilder::new().mode(0o700).create(path)
                && e.kind() != io::ErrorKind::AlreadyExists
            {
                return Err(e);
            }
        }
        let root = Dir::open(path)?;
        let tmp = root.sub("tmp")?;
        let new = root.sub("new")?;
        let cur = root.sub("cur")?;
        Ok(Maildir {
            root,
            tmp,
            new,
            cur,
        })
    }
}

/// `true` for names that are safe as one path component (no `/`, not `.`/`..`, no NUL).
pub fn plain_name(name: &std::ffi::OsStr) -> bool {
    let b = name.as_bytes();
    !b.is_empty() && b != b"." && b != b".." && !b.contains(&b'/') && !b.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn never_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("secret"), "root:x:0:0\n").unwrap();
        let md = dir.path().join("d/u");
        let m = Maildir::open(&md).unwrap();
        drop(m);
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [dir.path().join("d"), md.clone(), md.join("new")] {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode();
                assert_eq!(mode & 0o777, 0o700, "{p:?}");
            }
        }
        // A link in cur/ named like a message.
        symlink(outside.join("secret"), md.join("cur/1.a.h:2,S")).unwrap();
        let e = open_message(&md.join("cur/1.a.h:2,S")).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        // A regular file is fine.
        std::fs::write(md.join("cur/2.b.h:2,"), "A: b\n\nx\n").unwrap();
        assert_eq!(
            read_message(&md.join("cur/2.b.h:2,")).unwrap(),
            b"A: b\n\nx\n"
        );
        // new/ a link to a directory outside: opening the Maildir refuses.
        std::fs::remove_dir(md.join("new")).unwrap();
        symlink(&outside, md.join("new")).unwrap();
        let e = Maildir::open(&md).unwrap_err();
        assert!(e.to_string().contains("new is a symbolic link"), "{e}");
        // A message behind a linked cur/ is refused even though the file is regular.
        std::fs::rename(md.join("cur"), dir.path().join("realcur")).unwrap();
        symlink(dir.path().join("realcur"), md.join("cur")).unwrap();
        assert!(open_message(&md.join("cur/2.b.h:2,")).is_err());
        // The root itself a link, or the directory holding it.
        symlink(&outside, dir.path().join("v")).unwrap();
        assert!(Maildir::open(&dir.path().join("v")).is_err());
        assert!(Maildir::open(&dir.path().join("v/alice")).is_err());
        assert!(!outside.join("alice").exists());
        // A FIFO is refused without blocking.
        let fifo = dir.path().join("realcur/3.c.h:2,");
        crate::sys::mkfifo(&fifo, 0o600).unwrap();
        std::fs::create_dir_all(dir.path().join("w/cur")).unwrap();
        std::fs::rename(&fifo, dir.path().join("w/cur/3.c.h:2,")).unwrap();
        let e = open_message(&dir.path().join("w/cur/3.c.h:2,")).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        assert_eq!(
            std::fs::read(outside.join("secret")).unwrap(),
            b"root:x:0:0\n"
        );
    }
}
