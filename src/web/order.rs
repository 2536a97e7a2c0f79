//! The order of a message list (`?sort=date|from|subject|size&order=asc|desc`), put into
//! effect by the IMAP server's own SORT (RFC 5256 §3: `crate::imap::sort`), so that the
//! web list and `SORT (FROM)`, `(SUBJECT)` (base subject, §2.1), `(SIZE)` and `(ARRIVAL)`
//! agree on every key and on ties. The default, date newest first, needs no sorting at all:
//! it is mailbox order reversed, which `Account::newest` pages without reading the folder.
//!
//! Not here: reading the page's rows (`store`, `mailops`), links and columns (`pages`).

use crate::imap::backend::Account;
use crate::imap::command::{SortCriterion, SortKey};
use crate::imap::mailstore::Mailbox;
use crate::imap::sort::{self, Fields};

/// What a list is sorted by: the column headers of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListKey {
    /// Arrival (the internal date): SORT's ARRIVAL.
    #[default]
    Date,
    From,
    Subject,
    Size,
}

impl ListKey {
    pub const ALL: [ListKey; 4] = [
        ListKey::From,
        ListKey::Subject,
        ListKey::Date,
        ListKey::Size,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ListKey::Date => "date",
            ListKey::From => "from",
            ListKey::Subject => "subject",
            ListKey::Size => "size",
        }
    }

    fn parse(s: &str) -> Option<ListKey> {
        ListKey::ALL.into_iter().find(|k| k.name() == s)
    }

    /// The first order a column sorts in: newest and largest first, names A to Z.
    fn descends_first(self) -> bool {
        matches!(self, ListKey::Date | ListKey::Size)
    }

    fn sort_key(self) -> SortKey {
        match self {
            ListKey::Date => SortKey::Arrival,
            ListKey::From => SortKey::From,
            ListKey::Subject => SortKey::Subject,
            ListKey::Size => SortKey::Size,
        }
    }
}

/// A list's order; `Default` is date, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListOrder {
    pub key: ListKey,
    pub descending: bool,
}

impl Default for ListOrder {
    fn default() -> ListOrder {
        ListOrder::first(ListKey::Date)
    }
}

impl ListOrder {
    /// `key` in the order its column sorts in when first clicked.
    pub fn first(key: ListKey) -> ListOrder {
        ListOrder {
            key,
            descending: key.descends_first(),
        }
    }

    /// From the query's `sort` and `order`; anything unknown is the default (an unknown
    /// key: date newest first; an unknown order: the key's first order), never an error.
    pub fn parse(sort: Option<&str>, order: Option<&str>) -> ListOrder {
        let Some(key) = sort.and_then(ListKey::parse) else {
            return ListOrder::default();
        };
        let descending = match order {
            Some("asc") => false,
            Some("desc") => true,
            _ => key.descends_first(),
        };
        ListOrder { key, descending }
    }

    pub fn is_default(self) -> bool {
        self == ListOrder::default()
    }

    /// What a column header links to: this key flipped when it is the current one, else
    /// the key in its first order.
    pub fn click(self, key: ListKey) -> ListOrder {
        if key == self.key {
            ListOrder {
                key,
                descending: !self.descending,
            }
        } else {
            ListOrder::first(key)
        }
    }

    /// The query parameters that ask for this order, each followed by `&`; empty for the
    /// default, so the plain list URL stays the fast one.
    pub fn query(self) -> String {
        if self.is_default() {
            return String::new();
        }
        let dir = if self.descending { "desc" } else { "asc" };
        format!("sort={}&order={dir}&", self.key.name())
    }

    /// Positions (0-based) `idxs` of `mb`, given in mailbox order, in this order. The
    /// default is `idxs` reversed; any other order reads the header blocks SORT reads
    /// (none for size) and sorts with SORT's comparison, ties in mailbox order.
    pub fn arrange(self, acc: &Account, mb: &Mailbox, idxs: Vec<usize>) -> Vec<usize> {
        if self.is_default() {
            return idxs.into_iter().rev().collect();
        }
        let criteria = [SortCriterion {
            key: self.key.sort_key(),
            reverse: self.descending,
        }];
        let headers = sort::needs_header(&criteria);
        let mut fields: Vec<Fields> = idxs
            .iter()
            .filter_map(|&i| {
                let m = mb.messages.get(i)?;
                let seq = i as u32 + 1;
                let f = Fields::new(seq, seq, m.internal_date, m.size);
                // A file gone meanwhile still sorts, by its metadata (as SORT does).
                Some(
                    match headers.then(|| acc.read_header(mb, seq).ok()).flatten() {
                        Some(h) => f.from_header(&h),
                        None => f,
                    },
                )
            })
            .collect();
        sort::sort(&mut fields, &criteria);
        fields.into_iter().map(|f| f.seq as usize - 1).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_or_hostile_values_are_the_default() {
        for (s, o) in [
            (None, None),
            (Some("date"), Some("desc")),
            (Some("DATE"), Some("asc")),
            (Some("from;drop"), Some("asc")),
            (Some("<script>"), None),
            (Some(""), Some("")),
        ] {
            assert_eq!(ListOrder::parse(s, o), ListOrder::default(), "{s:?} {o:?}");
        }
        assert_eq!(ListOrder::default().query(), "");
    }

    #[test]
    fn keys_orders_and_clicks() {
        let from_asc = ListOrder::parse(Some("from"), Some("asc"));
        assert_eq!(from_asc.query(), "sort=from&order=asc&");
        assert_eq!(ListOrder::parse(Some("from"), Some("x")), from_asc);
        assert_eq!(
            ListOrder::parse(Some("size"), None).query(),
            "sort=size&order=desc&"
        );
        assert_eq!(
            from_asc.click(ListKey::From).query(),
            "sort=from&order=desc&"
        );
        assert_eq!(
            from_asc.click(ListKey::Date).query(),
            "",
            "date newest first is the plain list"
        );
        assert_eq!(
            ListOrder::default().click(ListKey::Date).query(),
            "sort=date&order=asc&"
        );
    }
}
