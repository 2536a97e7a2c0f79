//! The DATA path without I/O: mailctl's DotReader and BodyScanner on a
//! 64 KiB message, and a whole pipelined transaction (MAIL, RCPT, DATA, 4 KiB) through the
//! session state machine with a discarding sink.

use std::hint::black_box;
use std::net::IpAddr;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mailctl::core::Address;
use mailctl::smtp::data::{BodyScanner, DotReader};
use mailctl::smtp::policy::{Accepted, AuthVerdict, MessageSink, Policy, RcptCheck, SpoolError};
use mailctl::smtp::session::{Service, Session, SessionConfig};

struct Null;
impl MessageSink for Null {
    fn id(&self) -> &str {
        "BENCH"
    }
    fn write(&mut self, b: &[u8]) -> Result<(), SpoolError> {
        black_box(b);
        Ok(())
    }
    fn commit(self: Box<Self>, _: &Accepted) -> Result<String, SpoolError> {
        Ok("BENCH".into())
    }
    fn abort(self: Box<Self>) {}
}

struct P;
impl Policy for P {
    fn check_recipient(&mut self, _: &Address) -> RcptCheck {
        RcptCheck::Local
    }
    fn authenticate(&mut self, _: IpAddr, _: &str, _: &str) -> AuthVerdict {
        AuthVerdict::Failed
    }
    fn may_send_as(&mut self, _: &Address, _: &Address) -> bool {
        true
    }
    fn postmaster(&mut self) -> Option<Address> {
        None
    }
    fn begin_message(&mut self) -> Result<Box<dyn MessageSink>, SpoolError> {
        Ok(Box::new(Null))
    }
}

fn body(size: usize) -> Vec<u8> {
    let mut b = b"Received: from a by b; x\r\nSubject: bench\r\n\r\n".to_vec();
    while b.len() < size {
        b.extend_from_slice(
            b"..a dot-stuffed line and some more text to make it realistic, 0123456789\r\n",
        );
    }
    b.extend_from_slice(b".\r\n");
    b
}

fn bench(c: &mut Criterion) {
    let big = body(64 << 10);
    let mut g = c.benchmark_group("smtp_data");
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("decode_and_scan_64k", |b| {
        let mut out = Vec::with_capacity(big.len());
        b.iter(|| {
            out.clear();
            let mut r = DotReader::new();
            assert_eq!(r.ingest(&big, &mut out), Some(big.len()));
            let mut s = BodyScanner::new(1 << 20, 50);
            s.scan(&out);
            black_box(s.finish())
        })
    });
    let mut txn = b"MAIL FROM:<a@remote.test>\r\nRCPT TO:<u@local.test>\r\nDATA\r\n".to_vec();
    txn.extend_from_slice(&body(4096));
    g.throughput(Throughput::Elements(1));
    g.bench_function("session_transaction_4k", |b| {
        let cfg = SessionConfig {
            hostname: "bench.test".into(),
            service: Service::Mx,
            remote_ip: IpAddr::from([127, 0, 0, 1]),
            max_message_size: 1 << 20,
            max_recipients: 100,
            max_hops: 50,
            max_errors: 10,
            tls_available: false,
            trusted_network: false,
            plaintext_auth: false,
            allow_any_sender: false,
            rate_limits: Default::default(),
            client_rates: None,
        };
        let mut s = Session::new(cfg, P);
        let mut out = Vec::new();
        s.feed(b"EHLO bench\r\n", &mut out);
        b.iter(|| {
            out.clear();
            s.feed(&txn, &mut out);
            assert!(out.ends_with(b"queued as BENCH\r\n"));
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
