//! The certificate verifier of the outbound client: accepts every certificate, as
//! opportunistic TLS between MTAs must (RFC 7435), and records the strict verdict.
//!
//! Not here: requiring a verified certificate (toward a relay host; `outbound::transfer`).

use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

/// A verifier that accepts every certificate, as opportunistic TLS between MTAs must (RFC
/// 7435), and records what a strict verifier (the Mozilla roots) would have said, for logs,
/// the queue's records and `mailctl test`.
#[derive(Debug)]
pub struct RecordingVerifier {
    strict: Arc<rustls::client::WebPkiServerVerifier>,
    provider: Arc<rustls::crypto::CryptoProvider>,
    seen: Mutex<Option<(Vec<u8>, Option<String>)>>,
}

impl RecordingVerifier {
    pub fn new() -> RecordingVerifier {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for c in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
            let _ = roots.add(c.clone());
        }
        let strict = rustls::client::WebPkiServerVerifier::builder_with_provider(
            Arc::new(roots),
            provider.clone(),
        )
        .build()
        .expect("the Mozilla root set is not empty");
        RecordingVerifier {
            strict,
            provider,
            seen: Mutex::new(None),
        }
    }

    /// The end-entity certificate seen and the strict verifier's objection, if any.
    pub fn seen(&self) -> Option<(Vec<u8>, Option<String>)> {
        self.seen.lock().map(|g| g.clone()).unwrap_or(None)
    }

    /// A client config that uses this verifier.
    pub fn client_config(self: &Arc<Self>) -> Arc<rustls::ClientConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("ring supports the default protocol versions")
            .dangerous()
            .with_custom_certificate_verifier(self.clone())
            .with_no_client_auth();
        Arc::new(config)
    }
}

impl Default for RecordingVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict =
            self.strict
                .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        if let Ok(mut g) = self.seen.lock() {
            *g = Some((end_entity.to_vec(), verdict.err().map(|e| e.to_string())));
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
