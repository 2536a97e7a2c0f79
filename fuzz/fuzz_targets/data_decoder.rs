//! The DATA decoder (mailctl's DotReader) plus its body scanner: whatever the bytes, the
//! end of data is only ever found right after `<CRLF>.<CRLF>`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailctl::smtp::data::{BodyScanner, DotReader};

fuzz_target!(|data: &[u8]| {
    let mut r = DotReader::new();
    let mut scanner = BodyScanner::new(1 << 20, 50);
    let mut out = Vec::new();
    // DATA starts after the CRLF of the DATA command, so "\r\n" precedes the content.
    let mut seen = b"\r\n".to_vec();
    for (i, &b) in data.iter().enumerate() {
        seen.push(b);
        if r.ingest(&[b], &mut out).is_some() {
            assert!(seen.ends_with(b"\r\n.\r\n"), "ended at {i} without CRLF.CRLF");
            break;
        }
    }
    scanner.scan(&out);
    let _ = scanner.finish();
});
