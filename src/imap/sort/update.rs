//! A sorted result kept up to date (RFC 5267 §4, CONTEXT=SORT): the members in sort order,
//! and the context positions of ADDTO and REMOVEFROM (§4.3.3, §4.3.4) for what enters and
//! leaves it.
//!
//! Every sort key (RFC 5256 §3 and RFC 5957) is a property of the message that never
//! changes, and ties go by mailbox order, which an expunge does not change either: so a
//! member never moves relative to the others, and a result only changes by members
//! leaving and entering. Each change is then a list of `(position, members)` pairs, which
//! the client applies in the order given (§4.3.2):
//! - REMOVEFROM `(p a,b)`: `a` is at position `p` (1-based) and `b` follows it, both go.
//! - ADDTO `(p a,b)`: inserted so that `a` takes position `p` and `b` the next one.
//!
//! Not here: which messages match (the session's search), the message numbers the client
//! sees (UIDs or sequence numbers: the session maps them), the wire form.

use std::collections::BTreeSet;

use super::{Fields, order};
use crate::imap::command::SortCriterion;

/// One ADDTO or REMOVEFROM pair: a context position and UIDs in sort order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub position: u32,
    pub uids: Vec<u32>,
}

/// A sorted result. Each member's `seq` holds its UID: UID order is mailbox order, and
/// unlike a sequence number it survives expunges, so it stays a valid tie-breaker.
#[derive(Debug, Clone)]
pub struct Ordered {
    criteria: Vec<SortCriterion>,
    members: Vec<Fields>,
}

impl Ordered {
    /// `members` with `seq` set to the UID; they are sorted here.
    pub fn new(criteria: &[SortCriterion], members: Vec<Fields>) -> Ordered {
        let mut members: Vec<Fields> = members.into_iter().map(|f| f.keys_only(criteria)).collect();
        members.sort_by(|a, b| order(a, b, criteria));
        Ordered {
            criteria: criteria.to_vec(),
            members,
        }
    }

    /// The members' UIDs in sort order.
    pub fn uids(&self) -> impl Iterator<Item = u32> + '_ {
        self.members.iter().map(|f| f.seq)
    }

    /// Whether a message entering needs its header read (see [`super::needs_header`]).
    pub fn needs_header(&self) -> bool {
        super::needs_header(&self.criteria)
    }

    /// Takes out the members in `gone`; the REMOVEFROM pairs that do the same to the
    /// client's copy. A run of neighbours is one pair; the position of each later pair
    /// counts the list as the earlier pairs left it.
    pub fn remove(&mut self, gone: &BTreeSet<u32>) -> Vec<Pair> {
        let mut pairs: Vec<Pair> = Vec::new();
        let mut removed = 0u32;
        let mut last: Option<usize> = None;
        for (i, f) in self.members.iter().enumerate() {
            if !gone.contains(&f.seq) {
                continue;
            }
            match pairs.last_mut() {
                Some(p) if last == Some(i.wrapping_sub(1)) => p.uids.push(f.seq),
                _ => pairs.push(Pair {
                    position: i as u32 - removed + 1,
                    uids: vec![f.seq],
                }),
            }
            removed += 1;
            last = Some(i);
        }
        if removed > 0 {
            self.members.retain(|f| !gone.contains(&f.seq));
        }
        pairs
    }

    /// Puts `new` (with `seq` the UID, none of them a member yet) in its places; the ADDTO
    /// pairs that do the same to the client's copy. Inserted in sort order, each lands
    /// after the ones before it, so the positions recorded are the final ones, and a run
    /// of neighbours is one pair.
    pub fn insert(&mut self, new: Vec<Fields>) -> Vec<Pair> {
        let criteria = &self.criteria;
        let mut new: Vec<Fields> = new.into_iter().map(|f| f.keys_only(criteria)).collect();
        new.sort_by(|a, b| order(a, b, criteria));
        let mut pairs: Vec<Pair> = Vec::new();
        let mut last: Option<usize> = None;
        for f in new {
            let at = self
                .members
                .partition_point(|m| order(m, &f, criteria).is_lt());
            match pairs.last_mut() {
                Some(p) if last.is_some_and(|l| l + 1 == at) => p.uids.push(f.seq),
                _ => pairs.push(Pair {
                    position: at as u32 + 1,
                    uids: vec![f.seq],
                }),
            }
            last = Some(at);
            self.members.insert(at, f);
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::imap::command::SortKey;

    /// A message whose only key is its size; `seq` is the UID.
    fn m(uid: u32, size: u64) -> Fields {
        Fields::new(uid, uid, 0, size)
    }

    fn by_size(reverse: bool) -> Vec<SortCriterion> {
        vec![SortCriterion {
            key: SortKey::Size,
            reverse,
        }]
    }

    /// What a client does with the pairs (RFC 5267 §4.3.3, §4.3.4).
    fn apply_remove(list: &mut Vec<u32>, pairs: &[Pair]) {
        for p in pairs {
            let at = p.position as usize - 1;
            for u in &p.uids {
                assert_eq!(list.get(at), Some(u), "REMOVEFROM names what is there");
                list.remove(at);
            }
        }
    }

    fn apply_add(list: &mut Vec<u32>, pairs: &[Pair]) {
        for p in pairs {
            let at = p.position as usize - 1;
            assert!(at <= list.len(), "ADDTO position inside the list");
            for (i, u) in p.uids.iter().enumerate() {
                list.insert(at + i, *u);
            }
        }
    }

    #[test]
    fn a_message_arriving_in_the_middle_is_added_at_its_position() {
        // Sizes 10, 20, 30 for UIDs 1..3; UID 4 with size 15 goes second.
        let mut o = Ordered::new(&by_size(false), vec![m(1, 10), m(2, 20), m(3, 30)]);
        let pairs = o.insert(vec![m(4, 15)]);
        assert_eq!(
            pairs,
            [Pair {
                position: 2,
                uids: vec![4]
            }]
        );
        assert_eq!(o.uids().collect::<Vec<_>>(), [1, 4, 2, 3]);
        // Two neighbours are one pair; a tie goes by mailbox order (UID).
        let pairs = o.insert(vec![m(6, 31), m(5, 30)]);
        assert_eq!(
            pairs,
            [Pair {
                position: 5,
                uids: vec![5, 6]
            }]
        );
        assert_eq!(o.uids().collect::<Vec<_>>(), [1, 4, 2, 3, 5, 6]);
    }

    #[test]
    fn removals_count_positions_as_the_earlier_pairs_left_the_list() {
        let mut o = Ordered::new(
            &by_size(true),
            (1..=6).map(|u| m(u, u64::from(u) * 10)).collect(),
        );
        assert_eq!(o.uids().collect::<Vec<_>>(), [6, 5, 4, 3, 2, 1]);
        let gone: BTreeSet<u32> = [5, 4, 1].into();
        let pairs = o.remove(&gone);
        assert_eq!(
            pairs,
            [
                Pair {
                    position: 2,
                    uids: vec![5, 4]
                },
                Pair {
                    position: 4,
                    uids: vec![1]
                }
            ]
        );
        assert_eq!(o.uids().collect::<Vec<_>>(), [6, 3, 2]);
        assert!(o.remove(&BTreeSet::new()).is_empty());
    }

    proptest! {
        /// Whatever leaves and enters, the client's copy, edited by the pairs alone,
        /// equals the server's list, which equals a fresh sort of the same members.
        #[test]
        fn the_client_copy_follows_the_pairs(
            sizes in proptest::collection::vec(0u64..5, 1..40),
            start in proptest::collection::vec(any::<bool>(), 40),
            gone in proptest::collection::vec(any::<bool>(), 40),
            reverse in any::<bool>(),
        ) {
            let criteria = by_size(reverse);
            let all: Vec<Fields> = sizes.iter().enumerate()
                .map(|(i, &s)| m(i as u32 + 1, s)).collect();
            let (first, later): (Vec<Fields>, Vec<Fields>) =
                all.iter().cloned().partition(|f| start[f.seq as usize - 1]);
            let mut o = Ordered::new(&criteria, first);
            let mut client: Vec<u32> = o.uids().collect();
            let out: BTreeSet<u32> = o.uids().filter(|u| gone[*u as usize - 1]).collect();
            apply_remove(&mut client, &o.remove(&out));
            prop_assert_eq!(&client, &o.uids().collect::<Vec<_>>());
            apply_add(&mut client, &o.insert(later.clone()));
            prop_assert_eq!(&client, &o.uids().collect::<Vec<_>>());
            let mut fresh: Vec<Fields> = all.into_iter()
                .filter(|f| !out.contains(&f.seq)).collect();
            super::super::sort(&mut fresh, &criteria);
            prop_assert_eq!(client, fresh.iter().map(|f| f.seq).collect::<Vec<_>>());
        }
    }
}
