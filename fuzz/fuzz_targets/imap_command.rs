//! The IMAP framer and command parser: whatever the bytes and however they are split,
//! nothing panics, framing does not depend on the split, and memory stays within the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailctl::imap::parse::{Frame, Framer, Limits, parse_command};

/// Small limits so the fuzzer reaches every limit branch quickly.
const LIMITS: Limits = Limits {
    max_line: 256,
    max_literal: 512,
    max_literal_nonsync: 64,
    max_command: 2048,
};

fn run(chunks: &mut dyn Iterator<Item = &[u8]>) -> Vec<Frame> {
    let mut f = Framer::new(LIMITS);
    let mut out = Vec::new();
    for c in chunks {
        f.push(c);
        assert!(f.buffered() <= 2 * LIMITS.max_command + 2 * LIMITS.max_line);
        while let Some(x) = f.next() {
            out.push(x);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    // The first byte chooses a chunk size for the split comparison.
    let Some((&split, data)) = data.split_first() else {
        return;
    };
    let whole = run(&mut std::iter::once(data));
    let size = usize::from(split % 17) + 1;
    let split = run(&mut data.chunks(size));
    assert_eq!(whole, split);
    for frame in &whole {
        if let Frame::Line(line) = frame {
            assert!(line.len() <= LIMITS.max_command);
            let _ = parse_command(line);
        }
    }
    // The raw bytes as one command too, so the parser sees what the framer would cut up.
    let _ = parse_command(data);
});
