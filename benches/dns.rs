//! `dns check` of one domain against a DNS server on loopback (all checks concurrently on one
//! resolver). Run with `cargo bench --bench dns`.

#[path = "../tests/outbound/dns.rs"]
#[allow(dead_code)]
mod dns;

use criterion::{Criterion, criterion_group, criterion_main};
use mailctl::core::Domain;
use mailctl::dns::check::{Input, run};
use mailctl::dns::records::{Services, records};

fn bench(c: &mut Criterion) {
    let domain = Domain::parse("good.test").unwrap();
    let ip = "192.0.2.10".parse().unwrap();
    let svc = Services {
        submission: Some(587),
        submissions: Some(465),
        imap: Some(143),
        imaps: Some(993),
        pop3: None,
        pop3s: None,
        managesieve: Some(4190),
        webmail: None,
    };
    let recs = records(&domain, "mail.good.test", &[ip], &[], &svc);
    let (mut fwd, mut rev) = (String::new(), String::new());
    for r in &recs {
        if r.zone.starts_with(';') {
            continue;
        }
        if r.zone.contains("in-addr.arpa") {
            &mut rev
        } else {
            &mut fwd
        }
        .push_str(&format!("{}\n", r.zone));
    }
    let srv = dns::DnsServer::start(&[
        ("good.test", &fwd),
        ("2.0.192.in-addr.arpa", &rev),
        ("test", ""),
        ("bl.test", ""),
    ]);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let input = Input {
        domain: "good.test".into(),
        hostname: Some("mail.good.test".into()),
        ips: vec![ip],
        selectors: vec![],
        keys: vec![],
        dnsbl_zones: vec!["bl.test".into()],
        spf_sender: None,
        managesieve: None,
        backup_mx: false,
    };
    let mut g = c.benchmark_group("dns");
    g.sample_size(20);
    g.bench_function("check one domain, fresh resolver (no cache)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = mailctl::dns::resolver(
                    &[format!("127.0.0.1:{}", srv.port).parse().unwrap()],
                    mailctl::dns::Purpose::Diagnostic,
                )
                .unwrap();
                run(&r, &input).await.len()
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
