//! The outbound abuse limits as the session applies them: an authenticated user over its
//! messages per hour is refused at MAIL, over its recipients per day at the RCPT that would
//! exceed it, each with `450 4.7.1` (a temporary policy refusal, RFC 3463 §3.8) naming the
//! limit and when it frees up, so a legitimate client's queue retries and a compromised
//! account's spam run stalls. The end of data asks once more and counts the message.
//!
//! Not here: the windows and their storage (`core::sendlimit`), the log line
//! (`smtp::backend`). Sessions without AUTH are never limited here (port 25 has no AUTH;
//! local `sendmail` does not use a session).

use super::policy::{Policy, SendStep};
use super::reply;
use super::session::Session;
use crate::core::Address;
use crate::core::sendlimit::{Hit, Limit};

impl<P: Policy> Session<P> {
    /// Whether the authenticated user is over a limit at `step`; the `450` is in `out` then.
    pub(super) fn send_limited(&mut self, step: SendStep, out: &mut Vec<u8>) -> bool {
        let Some(user) = self.auth_user.clone() else {
            return false;
        };
        let Some(hit) = self.policy.send_limit(&user, step) else {
            return false;
        };
        reply::push(out, 450, "4.7.1", &refusal_text(&user, &hit));
        true
    }
}

/// What the `450 4.7.1` says: which limit, how much of it is used, when to try again.
pub(super) fn refusal_text(user: &Address, hit: &Hit) -> String {
    let window = match hit.limit {
        Limit::MessagesPerHour => "in the last hour",
        Limit::RecipientsPerDay => "in the last 24 hours",
    };
    format!(
        "Sending limit reached for {user}: {} {} ({} {window}); try again in {} seconds",
        hit.max,
        hit.limit.as_str(),
        hit.used,
        hit.frees_in
    )
}
