//! Stream compression for the driver: raw deflate (RFC 1951, no zlib header) both ways, as
//! IMAP COMPRESS=DEFLATE (RFC 4978) asks; any protocol whose session returns
//! [`super::Action::Compress`] gets it (POP3 and ManageSieve have equivalents).
//!
//! Output: each write batch is compressed and ended with a sync flush (the empty stored
//! block `00 00 ff ff`), so the peer can decode everything written so far. Input is
//! inflated incrementally, at most [`CHUNK`] bytes at a time, and each chunk goes through the
//! session (whose framer applies its line and literal limits) before the next is inflated:
//! a decompression bomb costs CPU, bounded by those limits and the session's verdict, never
//! memory.
//!
//! Memory (flate2's Rust backend, miniz_oxide): the inflater keeps the peer's 32 KiB window
//! plus its tables, about 43 KiB, for as long as the stream lives (a raw deflate peer may
//! refer back 32 KiB, so no setting makes this smaller; measured, an IMAP session idling
//! compressed holds ~47 KiB more than one idling plain). The deflater is ~300 KiB; since a
//! sync flush ends every batch on a block boundary, it is dropped while the session idles
//! and a fresh one continues the same stream later (the new one just does not refer to
//! older bytes).
//!
//! Not here: which command turns it on, or when it is refused (the protocol's session).

use std::io;

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// Largest piece of inflated input handed to the session at once.
pub const CHUNK: usize = 16 << 10;
/// Level 6 is zlib's default: FETCH output shrinks ~8× at a fraction of level 9's cost.
const LEVEL: u32 = 6;

pub struct Deflate {
    inflate: Decompress,
    /// `None` while idle, see the module doc.
    deflate: Option<Compress>,
    /// Compressed output, reused between batches.
    zout: Vec<u8>,
    /// The peer ended its deflate stream (a final block): nothing more may follow.
    ended: bool,
}

impl Default for Deflate {
    fn default() -> Self {
        Deflate::new()
    }
}

impl Deflate {
    pub fn new() -> Deflate {
        Deflate {
            inflate: Decompress::new(false),
            deflate: None,
            zout: Vec::new(),
            ended: false,
        }
    }

    /// Compresses `plain` and sync-flushes; the result is what goes on the wire.
    pub fn compress(&mut self, plain: &[u8]) -> io::Result<&[u8]> {
        let c = self
            .deflate
            .get_or_insert_with(|| Compress::new(Compression::new(LEVEL), false));
        self.zout.clear();
        self.zout.reserve(plain.len() / 2 + 64);
        let mut input = plain;
        loop {
            let before = c.total_in();
            c.compress_vec(input, &mut self.zout, FlushCompress::Sync)
                .map_err(io::Error::other)?;
            input = &input[(c.total_in() - before) as usize..];
            // The flush is complete once all input is taken and output room was left over.
            if input.is_empty() && self.zout.len() < self.zout.capacity() {
                return Ok(&self.zout);
            }
            self.zout.reserve(self.zout.capacity().max(256));
        }
    }

    /// Inflates from the start of `input`: how many input bytes were used, and up to
    /// [`CHUNK`] bytes of output. Call again with the rest until all input is used and the
    /// output came back shorter than [`CHUNK`] (a full chunk may leave more inside).
    pub fn inflate(&mut self, input: &[u8]) -> io::Result<(usize, Vec<u8>)> {
        if self.ended {
            return Err(io::Error::other("data after the end of the deflate stream"));
        }
        let mut chunk = Vec::with_capacity(CHUNK);
        let before = self.inflate.total_in();
        let status = self
            .inflate
            .decompress_vec(input, &mut chunk, FlushDecompress::None)
            .map_err(|e| io::Error::other(format!("bad deflate data: {e}")))?;
        let used = (self.inflate.total_in() - before) as usize;
        if status == Status::StreamEnd {
            self.ended = true;
        }
        if used == 0 && chunk.is_empty() && !input.is_empty() && !self.ended {
            return Err(io::Error::other("deflate stream made no progress"));
        }
        Ok((used, chunk))
    }

    /// The session waits for the peer (IDLE): give back what can be rebuilt.
    pub fn rest(&mut self) {
        self.deflate = None;
        self.zout = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A peer's compressor, as a client would run it.
    fn peer_deflate(plain: &[u8]) -> Vec<u8> {
        let mut c = Compress::new(Compression::best(), false);
        let mut out = Vec::with_capacity(plain.len() + 1024);
        c.compress_vec(plain, &mut out, FlushCompress::Sync)
            .unwrap();
        assert_eq!(c.total_in() as usize, plain.len());
        out
    }

    fn peer_inflate(d: &mut Decompress, z: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 << 20);
        let before = d.total_in();
        d.decompress_vec(z, &mut out, FlushDecompress::Sync)
            .unwrap();
        assert_eq!(
            (d.total_in() - before) as usize,
            z.len(),
            "all of it decodable"
        );
        out
    }

    #[test]
    fn batches_decode_as_one_stream_even_across_a_rest() {
        let mut z = Deflate::new();
        let mut peer = Decompress::new(false);
        let a = b"* 1 FETCH (FLAGS (\\Seen))\r\n".repeat(500);
        let wire = z.compress(&a).unwrap().to_vec();
        assert!(
            wire.ends_with(&[0, 0, 0xff, 0xff]),
            "sync flush ends a batch"
        );
        assert!(wire.len() < a.len() / 8);
        assert_eq!(peer_inflate(&mut peer, &wire), a);
        z.rest();
        let b = b"a OK done\r\n";
        let wire = z.compress(b).unwrap().to_vec();
        assert_eq!(peer_inflate(&mut peer, &wire), b);
    }

    #[test]
    fn a_bomb_comes_out_in_bounded_chunks() {
        // 64 MiB of zeros is ~64 KiB compressed.
        let bomb = peer_deflate(&vec![0u8; 64 << 20]);
        let mut z = Deflate::new();
        let (mut rest, mut total, mut calls) = (&bomb[..], 0usize, 0usize);
        loop {
            let (used, chunk) = z.inflate(rest).unwrap();
            assert!(chunk.len() <= CHUNK && chunk.capacity() <= CHUNK);
            total += chunk.len();
            let more = chunk.len() == CHUNK;
            rest = &rest[used..];
            calls += 1;
            if calls == 3 {
                // The session refuses after a few chunks: nothing else was inflated.
                assert!(total <= 3 * CHUNK);
            }
            if (rest.is_empty() && !more) || calls > 10_000 {
                break;
            }
        }
        assert!(rest.is_empty());
        assert_eq!(total, 64 << 20);
    }

    #[test]
    fn garbage_is_an_error_not_a_hang() {
        let mut z = Deflate::new();
        let r = (0..8).try_for_each(|_| z.inflate(&[0xff; 64]).map(drop));
        assert!(r.is_err());
    }
}
