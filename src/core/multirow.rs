//! Statements over a batch of rows at once: a multi-row `VALUES (…), (…)` or an `IN (…)`
//! list built for the batch's size, so that a batch costs one round trip per kind of
//! statement instead of one per row (the queue's group commit and its recording of a batch
//! of deliveries, `core::queue`). The same SQL serves both engines.
//!
//! Chunk sizes are powers of two up to a cap. Each distinct size is a distinct statement in
//! the per-connection statement caches (rusqlite's `prepare_cached`, and `core::pgpool`'s,
//! which is unbounded), so a batch of 13 runs as 8 + 4 + 1 and a cache holds at most
//! log2(cap) + 1 variants of a statement. The caps also keep every statement far below
//! SQLite's limit of 32,766 parameters.
//!
//! Not here: what the statements do (their callers).

/// `items` in consecutive chunks, largest first, each a power of two long and at most `max`
/// (rounded down to a power of two).
pub(crate) fn chunks<T>(items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    let max = floor_power_of_two(max.max(1));
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (head, tail) = rest.split_at(floor_power_of_two(rest.len()).min(max));
        rest = tail;
        Some(head)
    })
}

/// The largest power of two not above `n` (`n` >= 1).
fn floor_power_of_two(n: usize) -> usize {
    1 << (usize::BITS - 1 - n.leading_zeros())
}

/// `rows` copies of `row`, joined by `, `. `row` uses placeholders `?1` … `?w` (each as often
/// as it likes); copy k has them renumbered to `?(offset + k·w + 1)` …, so the statement's
/// parameters are the `offset` leading ones, then the rows' values one row after another.
/// `values("(?1, ?2, ?2)", 2, 1)` is `(?2, ?3, ?3), (?4, ?5, ?5)`; `values("?1", 3, 0)` is
/// `?1, ?2, ?3`, an `IN` list.
pub(crate) fn values(row: &str, rows: usize, offset: usize) -> String {
    let width = placeholders(row).max().unwrap_or(0);
    let mut out = String::with_capacity((row.len() + 2) * rows);
    for k in 0..rows {
        if k > 0 {
            out.push_str(", ");
        }
        let mut rest = row;
        while let Some(q) = rest.find('?') {
            out.push_str(&rest[..=q]);
            let digits = rest[q + 1..]
                .find(|c: char| !c.is_ascii_digit())
                .map_or(rest.len() - q - 1, |d| d);
            let n: usize = rest[q + 1..q + 1 + digits].parse().unwrap_or(0);
            out.push_str(&(offset + k * width + n).to_string());
            rest = &rest[q + 1 + digits..];
        }
        out.push_str(rest);
    }
    out
}

/// The numbers of `?N` placeholders in `sql`.
fn placeholders(sql: &str) -> impl Iterator<Item = usize> + '_ {
    sql.split('?').skip(1).filter_map(|s| {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s[..end].parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_powers_of_two_in_order_and_cover_everything() {
        for n in 0..300usize {
            let items: Vec<usize> = (0..n).collect();
            let parts: Vec<&[usize]> = chunks(&items, 64).collect();
            assert_eq!(parts.concat(), items, "n = {n}");
            for p in &parts {
                assert!(p.len().is_power_of_two() && p.len() <= 64, "n = {n}");
            }
            // Largest first, so a batch under the cap takes one chunk per set bit.
            if n < 64 {
                assert_eq!(parts.len(), n.count_ones() as usize);
            }
        }
        assert_eq!(chunks(&[1, 2, 3], 0).count(), 3);
        assert_eq!(
            chunks(&[0; 13], 100).map(<[i32]>::len).collect::<Vec<_>>(),
            [8, 4, 1]
        );
    }

    #[test]
    fn values_renumber_each_row_after_the_offset() {
        assert_eq!(values("(?1, ?2, ?2)", 2, 1), "(?2, ?3, ?3), (?4, ?5, ?5)");
        assert_eq!(values("?1", 3, 0), "?1, ?2, ?3");
        assert_eq!(
            values("(CAST(?1 AS TEXT), ?10)", 2, 0),
            "(CAST(?1 AS TEXT), ?10), (CAST(?11 AS TEXT), ?20)"
        );
        assert_eq!(values("(1)", 2, 5), "(1), (1)");
        assert_eq!(values("?1", 0, 0), "");
    }
}
