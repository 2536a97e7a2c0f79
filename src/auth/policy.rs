//! The password policy every new password meets, wherever it is set (`user add|passwd`,
//! `setup`, the web settings and administration): a length and character check, and a
//! refusal of passwords anyone who knows the address would try first.
//!
//! Not here: hashing (`hash`), getting the password from a person (the CLI, the web forms).

pub const MIN_LEN: usize = 8;
pub const MAX_LEN: usize = 1024;

/// The passwords an attacker tries first: the most common ones in public breach lists, each
/// at least [`MIN_LEN`] characters (shorter ones are refused by length already). Compared
/// case-insensitively.
const COMMON: &[&str] = &[
    "12345678",
    "123456789",
    "1234567890",
    "12345678910",
    "password",
    "password1",
    "password12",
    "password123",
    "password!",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "qwerty12",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "zaq12wsx",
    "iloveyou",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "welcome1",
    "welcome123",
    "abc12345",
    "abcd1234",
    "11111111",
    "00000000",
    "88888888",
    "87654321",
    "123123123",
    "12341234",
    "11223344",
    "asdfghjk",
    "asdfasdf",
    "superman",
    "starwars",
    "trustno1",
    "letmein1",
    "letmein123",
    "changeme",
    "changeme123",
    "administrator",
    "admin123",
    "admin1234",
    "adminadmin",
    "secret123",
    "mailserver",
    "postmaster",
    "computer",
    "internet",
    "whatever",
    "michelle",
    "jennifer",
    "corvette",
    "mercedes",
    "mustang1",
    "dragon12",
    "monkey123",
    "shadow12",
    "master12",
    "access14",
    "q1w2e3r4",
    "aa123456",
    "qazwsxedc",
    "1234qwer",
    "qwer1234",
    "987654321",
    "555555555",
    "666666666",
];

/// Refuses a password that anyone who knows the address would guess: the address, its
/// local part or domain, either reversed, or one of [`COMMON`].
pub fn check_guessable(p: &str, address: &str) -> Result<(), String> {
    let lower = p.to_lowercase();
    let address = address.to_lowercase();
    let (local, domain) = address.rsplit_once('@').unwrap_or((address.as_str(), ""));
    let reversed: String = lower.chars().rev().collect();
    for (what, value) in [
        ("address", address.as_str()),
        ("local part", local),
        ("domain", domain),
    ] {
        if !value.is_empty() && (lower == value || reversed == value) {
            return Err(format!("the password is the {what} of the mailbox"));
        }
    }
    if COMMON.contains(&lower.as_str()) {
        return Err("the password is one of the most common passwords".into());
    }
    Ok(())
}

pub fn check(p: &str) -> Result<(), String> {
    if p.chars().count() < MIN_LEN {
        return Err(format!("the password is shorter than {MIN_LEN} characters"));
    }
    if p.len() > MAX_LEN {
        return Err(format!("the password is longer than {MAX_LEN} bytes"));
    }
    if p.chars().any(char::is_control) {
        return Err("the password contains control characters".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guessable_passwords_are_named() {
        let who = "Carl.Smith@Example.org";
        for (p, why) in [
            ("carl.smith@example.org", "address"),
            ("CARL.SMITH", "local part"),
            ("htims.lrac", "local part"),
            ("example.org", "domain"),
            ("Passw0rd", "common"),
            ("12345678", "common"),
        ] {
            let e = check_guessable(p, who).unwrap_err();
            assert!(e.contains(why), "{p}: {e}");
        }
        for p in ["correct horse battery", "carl.smith2026!", "Tr0ub4dor&3x"] {
            check_guessable(p, who).unwrap();
        }
    }

    #[test]
    fn common_list_is_lower_case_and_long_enough_to_matter() {
        for p in COMMON {
            assert_eq!(*p, p.to_lowercase());
            assert!(check(p).is_ok(), "{p} is refused by length already");
        }
    }
}
