//! Arbitrary bytes, cut into arbitrary reads, into an SMTP session (submission, plaintext
//! AUTH allowed so the SASL paths are reachable). It must never panic and every reply line
//! must start with three digits.
#![no_main]

use std::net::IpAddr;

use libfuzzer_sys::fuzz_target;
use mailctl::core::Address;
use mailctl::smtp::policy::{AuthVerdict, Envelope, MessageSink, Policy, RcptCheck, SpoolError};
use mailctl::smtp::session::{Service, Session, SessionConfig};

struct Sink(u64);

impl MessageSink for Sink {
    fn id(&self) -> &str {
        "FUZZ"
    }
    fn write(&mut self, bytes: &[u8]) -> Result<(), SpoolError> {
        self.0 += bytes.len() as u64;
        Ok(())
    }
    fn commit(self: Box<Self>, _: &Envelope) -> Result<String, SpoolError> {
        Ok("FUZZ".into())
    }
    fn abort(self: Box<Self>) {}
}

struct P;

impl Policy for P {
    fn check_recipient(&mut self, rcpt: &Address) -> RcptCheck {
        if rcpt.domain().as_str() == "local.test" { RcptCheck::Local } else { RcptCheck::NotLocal }
    }
    fn authenticate(&mut self, _: IpAddr, user: &str, _: &str) -> AuthVerdict {
        Address::parse(user).map(AuthVerdict::Ok).unwrap_or(AuthVerdict::Failed)
    }
    fn may_send_as(&mut self, user: &Address, from: &Address) -> bool {
        user == from
    }
    fn postmaster(&mut self) -> Option<Address> {
        None
    }
    fn begin_message(&mut self) -> Result<Box<dyn MessageSink>, SpoolError> {
        Ok(Box::new(Sink(0)))
    }
}

fuzz_target!(|data: &[u8]| {
    let cfg = SessionConfig {
        hostname: "fuzz.test".into(),
        service: Service::Submission,
        remote_ip: IpAddr::from([127, 0, 0, 1]),
        max_message_size: 1 << 16,
        max_recipients: 10,
        max_hops: 5,
        max_errors: 50,
        tls_available: true,
        trusted_network: false,
        plaintext_auth: true,
        allow_any_sender: false,
    };
    let mut s = Session::new(cfg, P);
    // The first byte picks the read size, so chunk boundaries get fuzzed too.
    let (step, rest) = data.split_first().map(|(b, r)| (usize::from(*b).max(1), r)).unwrap_or((1, data));
    for chunk in rest.chunks(step) {
        let mut out = Vec::new();
        let ev = s.feed(chunk, &mut out);
        for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            assert!(line.len() >= 3 && line[..3].iter().all(u8::is_ascii_digit));
        }
        if ev.is_some() {
            break;
        }
    }
});
