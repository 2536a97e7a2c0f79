//! Users from another server's password store, for `mailctl import dovecot`: Dovecot's
//! passwd-file (`user:{SCHEME}hash:uid:gid:gecos:home:shell:extra`, one user a line). Each
//! password is sorted into what mailctl can do with it: a hash the login path verifies as it
//! is (`crate::auth::classify`: SHA512-CRYPT/SHA256-CRYPT, BLF-CRYPT, ARGON2ID), a plain
//! password (`{PLAIN}`, `{CLEARTEXT}`) to hash here, or a scheme it cannot verify (MD5-CRYPT,
//! SSHA, ...), which the caller refuses or replaces. Not here: creating the users
//! (`users.rs`), reading Maildirs (`crate::maildir::import`).

/// A password as the passwd-file has it.
pub enum Secret {
    /// Stored as it is; verified at login.
    Hash(String),
    /// Known in the clear: hashed with this server's argon2id before it is stored.
    Plain(String),
    /// Cannot be verified here: why.
    Unusable(String),
}

// Never print a plain password, not even in a test failure.
impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Hash(h) => write!(f, "Hash({h})"),
            Secret::Plain(_) => f.write_str("Plain(..)"),
            Secret::Unusable(why) => write!(f, "Unusable({why})"),
        }
    }
}

#[derive(Debug)]
pub struct PasswdUser {
    /// The local part.
    pub local: String,
    /// The domain when the user field is an address.
    pub domain: Option<String>,
    pub secret: Secret,
}

/// What a passwd-file password field holds.
pub fn secret(field: &str) -> Secret {
    let scheme = field
        .strip_prefix('{')
        .and_then(|r| r.split_once('}'))
        .map(|(s, rest)| (s.to_ascii_uppercase(), rest));
    if let Some((s, rest)) = &scheme
        && (s == "PLAIN" || s == "CLEARTEXT")
    {
        return Secret::Plain(rest.to_string());
    }
    if field.is_empty() {
        return Secret::Unusable("no password".into());
    }
    match crate::auth::classify(field).and_then(|_| crate::auth::validate_hash(field)) {
        Ok(()) => Secret::Hash(field.to_string()),
        Err(e) => Secret::Unusable(e.to_string()),
    }
}

/// Parses a passwd-file. Comments (`#`) and empty lines are skipped; a line without a
/// password field is an error naming its line.
pub fn parse_passwd_file(text: &str) -> Result<Vec<PasswdUser>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut f = line.splitn(3, ':');
        let (Some(user), Some(pass)) = (f.next(), f.next()) else {
            return Err(format!("line {}: expected user:password[:...]", i + 1));
        };
        if user.is_empty() {
            return Err(format!("line {}: empty user name", i + 1));
        }
        let (local, domain) = match user.rsplit_once('@') {
            Some((l, d)) => (l.to_string(), Some(d.to_ascii_lowercase())),
            None => (user.to_string(), None),
        };
        out.push(PasswdUser {
            local,
            domain,
            secret: secret(pass),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA512: &str = "$6$abcdefgh$NeRrEOPKhXowturcgIRkqZQ82nW0lBR8gqNUoY/vyyZL0EPR8k0yzNStiiK8jP0OqlvS4D/AMyXYyxZQ33IW3/";

    #[test]
    fn passwd_file_lines() {
        let text = format!(
            "# users\nu@Ex.Test:{{SHA512-CRYPT}}{SHA512}::::::\nplain:{{PLAIN}}pw:1000\n\
             old@ex.test:{{MD5-CRYPT}}$1$x$y::\nnone@ex.test:\n"
        );
        let users = parse_passwd_file(&text).unwrap();
        assert_eq!(users.len(), 4);
        assert_eq!(
            (users[0].local.as_str(), users[0].domain.as_deref()),
            ("u", Some("ex.test"))
        );
        assert!(matches!(&users[0].secret, Secret::Hash(h) if h.ends_with("IW3/")));
        assert!(matches!(&users[1].secret, Secret::Plain(p) if p == "pw"));
        assert_eq!(users[1].domain, None);
        assert!(matches!(&users[2].secret, Secret::Unusable(why) if why.contains("MD5-CRYPT")));
        assert!(matches!(&users[3].secret, Secret::Unusable(_)));
        assert!(parse_passwd_file("nocolon\n").is_err());
        assert!(parse_passwd_file(":{PLAIN}x\n").is_err());
        assert_eq!(format!("{:?}", users[1].secret), "Plain(..)");
    }
}
