//! RFC 5256 §2.2 REFERENCES threading (after Jamie Zawinski's algorithm): link messages by
//! Message-ID and References/In-Reply-To (step 1), take the parentless ones (2), prune dummy
//! containers (4), order the roots (5), merge roots of the same base subject (6), order
//! every set of siblings (7). Duplicate Message-IDs get a container of their own, links
//! that would close a loop are not made, and a message whose parent came from someone
//! else's (maybe truncated) References is re-parented by its own.

use std::collections::HashMap;

use super::{Forest, Node, by_date};
use crate::imap::sort::Fields;

#[derive(Default)]
struct Arena {
    nodes: Vec<Node>,
    parent: Vec<Option<usize>>,
}

impl Arena {
    fn add(&mut self, msg: Option<usize>) -> usize {
        self.nodes.push(Node {
            msg,
            children: Vec::new(),
        });
        self.parent.push(None);
        self.nodes.len() - 1
    }

    /// Whether `a` is `b` or one of its ancestors.
    fn is_ancestor(&self, a: usize, b: usize) -> bool {
        // A childless container is nobody's ancestor: messages arriving in thread order
        // never pay for the walk up a long thread.
        if a != b && self.nodes[a].children.is_empty() {
            return false;
        }
        let mut cur = Some(b);
        while let Some(c) = cur {
            if c == a {
                return true;
            }
            cur = self.parent[c];
        }
        false
    }

    fn link(&mut self, parent: usize, child: usize) {
        self.parent[child] = Some(parent);
        self.nodes[parent].children.push(child);
    }

    fn unlink(&mut self, child: usize) {
        if let Some(p) = self.parent[child].take() {
            self.nodes[p].children.retain(|&c| c != child);
        }
    }

    fn is_dummy(&self, n: usize) -> bool {
        self.nodes[n].msg.is_none()
    }

    /// The message a container stands for in sorting and subject grouping: its own, or a
    /// dummy's first child's.
    fn rep(&self, n: usize) -> Option<usize> {
        self.nodes[n].msg.or_else(|| {
            self.nodes[n]
                .children
                .first()
                .and_then(|&c| self.nodes[c].msg)
        })
    }
}

/// THREAD=REFERENCES over `msgs` (in mailbox order).
pub fn references(msgs: &[Fields]) -> Forest {
    let mut a = Arena::default();
    link_all(&mut a, msgs);
    let roots: Vec<usize> = (0..a.nodes.len())
        .filter(|&n| a.parent[n].is_none())
        .collect();
    let mut roots = prune(&mut a, roots);
    sort_children(&mut a, msgs);
    sort_roots(&a, msgs, &mut roots);
    let mut roots = merge_subjects(&mut a, msgs, roots);
    sort_children(&mut a, msgs);
    sort_roots(&a, msgs, &mut roots);
    Forest {
        nodes: a.nodes,
        roots,
    }
}

/// Step 1: a container per Message-ID, parent/child links along each References chain.
fn link_all(a: &mut Arena, msgs: &[Fields]) {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    for (i, m) in msgs.iter().enumerate() {
        // 1A: a message without a (valid, unique) Message-ID gets an anonymous container.
        let me = match m.message_id.as_deref() {
            Some(id) => match ids.get(id) {
                Some(&c) if a.nodes[c].msg.is_none() => {
                    a.nodes[c].msg = Some(i);
                    c
                }
                Some(_) => a.add(Some(i)),
                None => {
                    let c = a.add(Some(i));
                    ids.insert(id, c);
                    c
                }
            },
            None => a.add(Some(i)),
        };
        // 1B: link the references in order, keeping links already made, never a loop.
        let mut prev: Option<usize> = None;
        for r in &m.references {
            let c = *ids.entry(r.as_str()).or_insert_with(|| a.add(None));
            if let Some(p) = prev
                && a.parent[c].is_none()
                && !a.is_ancestor(c, p)
            {
                a.link(p, c);
            }
            prev = Some(c);
        }
        // 1C: this message's own References decide its parent.
        a.unlink(me);
        if let Some(p) = prev
            && !a.is_ancestor(me, p)
        {
            a.link(p, me);
        }
    }
}

/// Step 4: dummies without children go; a dummy's children take its place, except that
/// at the top a dummy with several children stays (they are siblings of a lost message).
fn prune(a: &mut Arena, roots: Vec<usize>) -> Vec<usize> {
    // Children before parents: reverse of a depth-first pre-order.
    let mut order = Vec::new();
    let mut stack = roots.clone();
    while let Some(n) = stack.pop() {
        order.push(n);
        stack.extend(a.nodes[n].children.iter().copied());
    }
    for &n in order.iter().rev() {
        let kids = std::mem::take(&mut a.nodes[n].children);
        let mut kept = Vec::with_capacity(kids.len());
        for c in kids {
            if a.is_dummy(c) {
                for g in std::mem::take(&mut a.nodes[c].children) {
                    a.parent[g] = Some(n);
                    kept.push(g);
                }
            } else {
                kept.push(c);
            }
        }
        a.nodes[n].children = kept;
    }
    let mut out = Vec::with_capacity(roots.len());
    for r in roots {
        if !a.is_dummy(r) {
            out.push(r);
            continue;
        }
        match a.nodes[r].children.len() {
            0 => {}
            1 => {
                let only = a.nodes[r].children[0];
                a.nodes[r].children.clear();
                a.parent[only] = None;
                out.push(only);
            }
            _ => out.push(r),
        }
    }
    out
}

/// Step 7 (and the first half of 5): every set of siblings by sent date.
fn sort_children(a: &mut Arena, msgs: &[Fields]) {
    for n in 0..a.nodes.len() {
        let mut kids = std::mem::take(&mut a.nodes[n].children);
        kids.sort_by(|&x, &y| match (a.rep(x), a.rep(y)) {
            (Some(p), Some(q)) => by_date(msgs, p, q),
            (p, q) => p.is_some().cmp(&q.is_some()),
        });
        a.nodes[n].children = kids;
    }
}

fn sort_roots(a: &Arena, msgs: &[Fields], roots: &mut [usize]) {
    roots.sort_by(|&x, &y| match (a.rep(x), a.rep(y)) {
        (Some(p), Some(q)) => by_date(msgs, p, q),
        (p, q) => p.is_some().cmp(&q.is_some()),
    });
}

/// Step 6: roots with the same (non-empty) base subject become one thread.
fn merge_subjects(a: &mut Arena, msgs: &[Fields], roots: Vec<usize>) -> Vec<usize> {
    fn subject<'m>(a: &Arena, msgs: &'m [Fields], n: usize) -> &'m str {
        a.rep(n).map(|m| msgs[m].subject.as_str()).unwrap_or("")
    }
    let reply = |a: &Arena, n: usize| a.rep(n).is_some_and(|m| msgs[m].reply);
    // 6A: per subject, the container others join: a dummy if any, else a non-reply.
    let mut table: HashMap<&str, usize> = HashMap::new();
    for &r in &roots {
        let s = subject(a, msgs, r);
        if s.is_empty() {
            continue;
        }
        match table.get(s) {
            None => {
                table.insert(s, r);
            }
            Some(&t) => {
                if !a.is_dummy(t) && (a.is_dummy(r) || (reply(a, t) && !reply(a, r))) {
                    table.insert(s, r);
                }
            }
        }
    }
    // 6B: merge each root into its subject's container.
    let mut slot: Vec<Option<usize>> = roots.iter().map(|&r| Some(r)).collect();
    let mut pos: HashMap<usize, usize> = roots.iter().enumerate().map(|(i, &r)| (r, i)).collect();
    for (i, &r) in roots.iter().enumerate() {
        let s = subject(a, msgs, r);
        if s.is_empty() {
            continue;
        }
        let Some(&t) = table.get(s) else { continue };
        if t == r || slot[i].is_none() {
            continue;
        }
        if a.is_dummy(t) {
            if a.is_dummy(r) {
                for c in std::mem::take(&mut a.nodes[r].children) {
                    a.link(t, c);
                }
            } else {
                a.link(t, r);
            }
            slot[i] = None;
        } else if !reply(a, t) && reply(a, r) {
            a.link(t, r);
            slot[i] = None;
        } else {
            // Both replies or neither: siblings under a new dummy in t's place.
            let d = a.add(None);
            let Some(&tp) = pos.get(&t) else { continue };
            a.link(d, t);
            a.link(d, r);
            slot[tp] = Some(d);
            pos.insert(d, tp);
            slot[i] = None;
            table.insert(s, d);
        }
    }
    slot.into_iter().flatten().collect()
}
