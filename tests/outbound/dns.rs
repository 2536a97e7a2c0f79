//! A real authoritative DNS server on loopback for tests: hickory-server serving zone files
//! written by the test, on an ephemeral port, in a thread of the test process.

use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::store::file::{FileConfig, FileZoneHandler};
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};

pub struct DnsServer {
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl DnsServer {
    /// Serves `zones` as (origin, records) pairs; an SOA and NS are added to each.
    pub fn start(zones: &[(&str, &str)]) -> DnsServer {
        let dir = tempfile::tempdir().unwrap();
        let mut files = Vec::new();
        for (origin, records) in zones {
            let path = dir.path().join(format!("{origin}.zone"));
            let text = format!(
                "$ORIGIN {origin}.\n$TTL 60\n@ IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60\n@ IN NS ns.test.\n{records}\n"
            );
            std::fs::write(&path, text).unwrap();
            files.push((origin.to_string(), path));
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut catalog = Catalog::new();
                for (origin, path) in files {
                    let name = Name::from_ascii(format!("{origin}.")).unwrap();
                    let handler = FileZoneHandler::try_from_config(
                        name.clone(),
                        ZoneType::Primary,
                        AxfrPolicy::Deny,
                        None,
                        &FileConfig { zone_path: path },
                    )
                    .unwrap();
                    catalog.upsert(LowerName::from(name), vec![Arc::new(handler)]);
                }
                // UDP and TCP on the same port.
                let (udp, tcp) = loop {
                    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
                    let port = udp.local_addr().unwrap().port();
                    if let Ok(tcp) = tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
                        break (udp, tcp);
                    }
                };
                let port = udp.local_addr().unwrap().port();
                let mut server = Server::new(catalog);
                server.register_socket(udp);
                server.register_listener(tcp, Duration::from_secs(5), 4096);
                tx.send(port).unwrap();
                let _ = server.block_until_done().await;
            });
        });
        let port = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("DNS server did not start");
        DnsServer { port, _dir: dir }
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}
