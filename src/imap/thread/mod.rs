//! THREAD (RFC 5256 §2.1, §2.2, §4): ORDEREDSUBJECT ([`ordered_subject`]), REFERENCES
//! ([`references`], the five-plus steps of §2.2 in `refs.rs`), and the `* THREAD` line.
//!
//! Threads live in a flat arena ([`Forest`]): a hostile mailbox can make a thread 100,000
//! messages deep, so nothing here recurses over the tree, neither building, writing nor
//! dropping it.
//!
//! Not here: reading headers (the session builds the [`Fields`]), search, sort keys.

mod refs;

use std::cmp::Ordering;

use crate::imap::sort::Fields;

pub use refs::references;

/// One container: a message (`msg` is its index in the input) or a dummy standing for a
/// message that is referenced but not in the set.
#[derive(Debug, Clone, Default)]
pub struct Node {
    pub msg: Option<usize>,
    pub children: Vec<usize>,
}

/// Threads as an arena: `roots` are the threads in order, each node's `children` in order.
#[derive(Debug, Clone, Default)]
pub struct Forest {
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
}

impl Forest {
    /// The messages in the forest, depth first (each reachable node once).
    pub fn messages(&self) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
        let mut seen = vec![false; self.nodes.len()];
        while let Some(n) = stack.pop() {
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            out.extend(self.nodes[n].msg);
            stack.extend(self.nodes[n].children.iter().rev());
        }
        out
    }
}

/// The order threads and siblings are put in: sent date, then mailbox order.
fn by_date(msgs: &[Fields], a: usize, b: usize) -> Ordering {
    (msgs[a].sent, msgs[a].seq).cmp(&(msgs[b].sent, msgs[b].seq))
}

/// RFC 5256 §3 ORDEREDSUBJECT: messages grouped by base subject; in each group the oldest
/// is the parent of the others (siblings by date); threads ordered by their first message.
pub fn ordered_subject(msgs: &[Fields]) -> Forest {
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    order.sort_by(|&a, &b| {
        msgs[a]
            .subject
            .cmp(&msgs[b].subject)
            .then_with(|| by_date(msgs, a, b))
    });
    let mut f = Forest {
        nodes: (0..msgs.len())
            .map(|i| Node {
                msg: Some(i),
                children: Vec::new(),
            })
            .collect(),
        roots: Vec::new(),
    };
    let mut current: Option<usize> = None;
    for i in order {
        match current {
            Some(root) if msgs[root].subject == msgs[i].subject => f.nodes[root].children.push(i),
            _ => {
                f.roots.push(i);
                current = Some(i);
            }
        }
    }
    f.roots.sort_by(|&a, &b| by_date(msgs, a, b));
    f
}

/// `* THREAD (2)(3 6 (4 23)(44 7 96))`: a lone child follows its parent after a space,
/// several children are each parenthesised; a dummy writes no number (RFC 5256 §4).
pub fn write(out: &mut Vec<u8>, f: &Forest, msgs: &[Fields]) {
    enum Step {
        Open,
        Node(usize),
        Close,
    }
    out.extend_from_slice(b"* THREAD");
    if !f.roots.is_empty() {
        out.push(b' ');
    }
    let mut stack: Vec<Step> = Vec::new();
    for &r in f.roots.iter().rev() {
        stack.extend([Step::Close, Step::Node(r), Step::Open]);
    }
    while let Some(step) = stack.pop() {
        let n = match step {
            Step::Open => {
                out.push(b'(');
                continue;
            }
            Step::Close => {
                out.push(b')');
                continue;
            }
            Step::Node(n) => n,
        };
        let node = &f.nodes[n];
        if let Some(m) = node.msg {
            out.extend_from_slice(msgs[m].number.to_string().as_bytes());
        }
        if node.children.is_empty() {
            continue;
        }
        if node.msg.is_some() {
            out.push(b' ');
        }
        if let [only] = node.children[..] {
            stack.push(Step::Node(only));
        } else {
            for &c in node.children.iter().rev() {
                stack.extend([Step::Close, Step::Node(c), Step::Open]);
            }
        }
    }
    out.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests;
