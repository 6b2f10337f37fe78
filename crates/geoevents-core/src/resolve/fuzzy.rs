//! Edit-distance search over the name index, for names that match nothing
//! exactly ("Aleppoo"). A depth-first walk of the fst carrying one row of the
//! Levenshtein table per node, pruned as soon as every cell of the row is
//! over the limit. Names must share the query's first two bytes: misspellings
//! rarely change the start of a name, and it keeps the walk to a small part
//! of the index (batch geocoding stays fast when many names are unknown).

use fst::raw::{Fst, Node, Output};

/// Keys within `max_distance` edits of `query` (bytes of the folded name),
/// with their index values and distances; at most `limit` of them.
pub fn within_distance(fst: &Fst<&[u8]>, query: &str, max_distance: usize, limit: usize) -> Vec<(u64, usize)> {
    let q = query.as_bytes();
    let mut out = Vec::new();
    if q.len() < 2 {
        return out;
    }
    // Follow the shared prefix, keeping the Levenshtein row in step.
    let mut node = fst.root();
    let mut output = Output::zero();
    let mut row: Vec<usize> = (0..=q.len()).collect();
    for &b in &q[..2] {
        let Some(i) = node.find_input(b) else { return out };
        let t = node.transition(i);
        output = output.cat(t.out);
        node = fst.node(t.addr);
        row = next_row(&row, q, b);
    }
    walk(fst, node, output, q, &row, max_distance, limit, &mut out);
    out.sort_by_key(|&(_, d)| d);
    out
}

fn next_row(prev: &[usize], q: &[u8], b: u8) -> Vec<usize> {
    let mut row = Vec::with_capacity(prev.len());
    row.push(prev[0] + 1);
    for j in 1..prev.len() {
        let cost = usize::from(q[j - 1] != b);
        let v = (prev[j - 1] + cost).min(prev[j] + 1).min(row[j - 1] + 1);
        row.push(v);
    }
    row
}

#[allow(clippy::too_many_arguments)]
fn walk(
    fst: &Fst<&[u8]>,
    node: Node<'_>,
    out: Output,
    q: &[u8],
    row: &[usize],
    max: usize,
    limit: usize,
    found: &mut Vec<(u64, usize)>,
) {
    if found.len() >= limit {
        return;
    }
    let last = row[row.len() - 1];
    if node.is_final() && last <= max {
        found.push((out.cat(node.final_output()).value(), last));
    }
    if row.iter().min().is_some_and(|m| *m > max) {
        return;
    }
    for t in node.transitions() {
        let next = next_row(row, q, t.inp);
        walk(fst, fst.node(t.addr), out.cat(t.out), q, &next, max, limit, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_close_keys_only() {
        let map = fst::Map::from_iter([("alepo", 2u64), ("aleppo", 1), ("baghdad", 3), ("halab", 4)]).unwrap();
        let bytes = map.as_fst().as_bytes().to_vec();
        let f = Fst::new(bytes.as_slice()).unwrap();
        let hits = within_distance(&f, "aleppoo", 1, 10);
        assert_eq!(hits, vec![(1, 1)]);
        let hits = within_distance(&f, "aleppoo", 2, 10);
        assert_eq!(hits.len(), 2);
        assert!(within_distance(&f, "xaleppo", 2, 10).is_empty(), "the first two letters must match");
    }
}
