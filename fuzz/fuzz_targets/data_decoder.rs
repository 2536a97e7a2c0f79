//! The DATA decoder (smtp-proto's DataReceiver) plus mailctl's body scanner: whatever the
//! bytes, the end of data is only ever found right after `<CRLF>.<CRLF>`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailctl::smtp::data::BodyScanner;

fuzz_target!(|data: &[u8]| {
    let mut r = mailctl::smtp::cmd_data::data_receiver();
    let mut scanner = BodyScanner::new(1 << 20, 50);
    let mut out = Vec::new();
    // DATA starts after the CRLF of the DATA command, so "\r\n" precedes the content.
    let mut seen = b"\r\n".to_vec();
    for (i, &b) in data.iter().enumerate() {
        let one = [b];
        let mut it = one.iter();
        seen.push(b);
        if r.ingest(&mut it, &mut out) {
            assert!(seen.ends_with(b"\r\n.\r\n"), "ended at {i} without CRLF.CRLF");
            break;
        }
    }
    scanner.scan(&out);
    let _ = scanner.finish();
});
