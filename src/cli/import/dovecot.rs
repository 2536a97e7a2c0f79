//! `import dovecot ROOT --domain D [--passwd-file F] [--user U] [--layout T]`: Dovecot's
//! users and Maildirs into this server. Users come from the passwd-file (hashes kept when the
//! login path verifies them, `{PLAIN}` ones hashed here, others refused unless
//! `--reset-passwords`), else from the directories the layout finds; each account's mail is
//! adopted with its UIDs (`crate::maildir::import::dovecot`). A second run skips existing
//! users and messages already here.

use std::path::PathBuf;

use serde::Serialize;

use super::super::{Ctx, Fail};
use crate::auth::HashCost;
use crate::core::import::{Secret, parse_passwd_file};
use crate::core::users::NewUser;
use crate::core::{Address, Db};
use crate::maildir::import::dovecot::{AccountReport, account_dir, find_accounts, import_account};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory Dovecot's Maildirs are under (the fixed part of its mail_location).
    root: PathBuf,
    /// The domain the users belong to (served here: `mailctl domain add`).
    #[arg(long)]
    domain: String,
    /// Dovecot's passwd-file: its users are created here with their password hashes.
    #[arg(long)]
    passwd_file: Option<PathBuf>,
    /// Only this user (local part or address).
    #[arg(long)]
    user: Option<String>,
    /// Where an account's Maildir is under ROOT, as Dovecot's mail_location says it: %n the
    /// local part, %d the domain, %u the address.
    #[arg(long, default_value = "%n/Maildir")]
    layout: String,
    /// Give users whose hash this server cannot verify (MD5-CRYPT, SSHA, none) a new random
    /// password, printed in the summary, instead of refusing to import.
    #[arg(long)]
    reset_passwords: bool,
    /// Copy the message files even when a hard link would do (a hard link shares the file,
    /// and its owner, with Dovecot's store).
    #[arg(long)]
    copy: bool,
}

/// One account's outcome.
#[derive(Serialize)]
struct Imported {
    address: String,
    /// created (hash kept), created-hashed ({PLAIN}), created-reset, exists.
    user: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_password: Option<String>,
    #[serde(flatten)]
    mail: AccountReport,
}

/// A new user's hash, how it was made (see [`Imported::user`]), a new password to tell.
type Password = (String, &'static str, Option<String>);

/// An account to import: its address, its Maildir, and the user to create (None: exists).
struct Plan {
    address: Address,
    dir: PathBuf,
    create: Option<(NewUser, &'static str, Option<String>)>,
}

impl Args {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<()> {
        let mut db = ctx.db()?;
        let domain = ctx
            .address(&format!("postmaster@{}", self.domain))?
            .domain()
            .clone();
        if !db.domain_exists(&domain)? {
            return Err(Fail::hint(
                format!("domain {domain} is not served here"),
                format!("mailctl domain add {domain}"),
            )
            .into());
        }
        let plans = self.plan(ctx, &db)?;
        let users: Vec<NewUser> = plans
            .iter()
            .filter_map(|p| p.create.as_ref().map(|c| c.0.clone()))
            .collect();
        db.import_users(&users).map_err(|(i, e)| {
            Fail::new(format!(
                "creating user {}: {e}; nothing was imported",
                users
                    .get(i)
                    .map(|u| u.address.to_string())
                    .unwrap_or_default()
            ))
        })?;
        let pb = output::progress_bar(plans.len() as u64, "importing", ctx.progress());
        let mut out = Vec::new();
        for p in plans {
            pb.set_message(format!("importing {}", p.address));
            let dst = ctx.mailbox_root(&p.address.to_string())?;
            let account = p.address.to_string();
            let mail = import_account(&p.dir, (&ctx.indexes()?, &account), &dst, self.copy)
                .map_err(|e| Fail::new(format!("importing {}: {e}", p.address)))?;
            ctx.data_dir.hand_over_tree(&dst)?;
            let (user, new_password) = match p.create {
                Some((_, how, pw)) => (how, pw),
                None => ("exists", None),
            };
            out.push(Imported {
                address: p.address.to_string(),
                user,
                new_password,
                mail,
            });
            pb.inc(1);
        }
        pb.finish_and_clear();
        ctx.report(&serde_json::json!({ "accounts": out }), || text(&out))
    }

    /// The accounts to import, with the users to create; refuses (importing nothing) when
    /// a user's password cannot be kept and `--reset-passwords` was not given.
    fn plan(&self, ctx: &Ctx, db: &Db) -> anyhow::Result<Vec<Plan>> {
        let only = self
            .user
            .as_deref()
            .map(|u| u.strip_suffix(&format!("@{}", self.domain)).unwrap_or(u));
        let mut found: Vec<(String, Option<Secret>)> = match &self.passwd_file {
            Some(f) => {
                let text = std::fs::read_to_string(f)
                    .map_err(|e| Fail::new(format!("{}: {e}", f.display())))?;
                parse_passwd_file(&text)
                    .map_err(|e| Fail::new(format!("{}: {e}", f.display())))?
                    .into_iter()
                    .filter(|u| u.domain.as_deref().is_none_or(|d| d == self.domain))
                    .map(|u| (u.local, Some(u.secret)))
                    .collect()
            }
            None => find_accounts(&self.root, &self.layout, &self.domain)
                .map_err(|e| Fail::new(e.to_string()))?
                .into_iter()
                .map(|(l, _)| (l, None))
                .collect(),
        };
        if let Some(u) = only {
            found.retain(|(l, _)| l == u);
            if found.is_empty() && self.passwd_file.is_none() {
                found.push((u.to_string(), None));
            }
        }
        if found.is_empty() {
            return Err(Fail::hint(
                format!(
                    "no {} accounts found under {}",
                    self.domain,
                    self.root.display()
                ),
                "check ROOT and --layout (Dovecot's mail_location), or pass --passwd-file",
            )
            .into());
        }
        let cost = HashCost::from_settings(db).unwrap_or(HashCost::OWASP);
        let (mut plans, mut refused) = (Vec::new(), Vec::new());
        for (local, secret) in found {
            let address = ctx.address(&format!("{local}@{}", self.domain))?;
            let dir = account_dir(&self.root, &self.layout, &local, &self.domain);
            let create = if db.user(&address)?.is_some() {
                None
            } else {
                match self.password(secret, cost)? {
                    Ok((hash, how, pw)) => Some((
                        NewUser {
                            address: address.clone(),
                            password_hash: hash,
                            quota: 0,
                        },
                        how,
                        pw,
                    )),
                    Err(why) => {
                        refused.push(format!("{address}: {why}"));
                        continue;
                    }
                }
            };
            plans.push(Plan {
                address,
                dir,
                create,
            });
        }
        if !refused.is_empty() {
            for r in &refused {
                eprintln!("{r}");
            }
            return Err(Fail::hint(
                format!("{} user(s) cannot keep their password; nothing was imported", refused.len()),
                "pass --reset-passwords to give them new random passwords, or create them first with `mailctl user add`",
            )
            .into());
        }
        Ok(plans)
    }

    /// The hash to store for a new user, how it was made, and a new password to tell; or
    /// why the user cannot be created.
    fn password(
        &self,
        secret: Option<Secret>,
        cost: HashCost,
    ) -> anyhow::Result<Result<Password, String>> {
        let hashed = |pw: &str| crate::auth::hash_password(pw, cost);
        Ok(match secret {
            Some(Secret::Hash(h)) => Ok((h, "created", None)),
            Some(Secret::Plain(p)) => Ok((hashed(&p)?, "created-hashed", None)),
            other if self.reset_passwords => {
                let _ = other;
                let pw = crate::auth::random_password(20);
                Ok((hashed(&pw)?, "created-reset", Some(pw)))
            }
            Some(Secret::Unusable(why)) => Err(why),
            None => Err("no password (no --passwd-file)".into()),
        })
    }
}

fn text(out: &[Imported]) -> String {
    let mut lines = Vec::new();
    for a in out {
        lines.push(format!(
            "{}: user {}{}; {} subscription(s)",
            a.address,
            a.user,
            a.new_password
                .as_deref()
                .map(|p| format!(", new password {p}"))
                .unwrap_or_default(),
            a.mail.subscriptions
        ));
        lines.extend(super::folder_lines(" ", &a.mail.folders));
    }
    lines.join("\n")
}
