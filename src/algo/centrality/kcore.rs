//! k-core decomposition: the coreness (core number) of every node (Batagelj & Zaversnik 2003,
//! "An O(m) algorithm for cores decomposition of networks"; Seidman 1983).
//!
//! Runs on the undirected simple view of the graph: `u` and `v` are neighbours when either acted on
//! the other (a reciprocal pair counts once), weights are ignored and **self-loops are ignored**.
//! This equals `networkx.core_number(G.to_undirected())` after
//! `G.remove_edges_from(nx.selfloop_edges(G))` (NetworkX refuses graphs with self-loops; on a
//! `DiGraph` it would count in + out degree, which is not what we want for reach).
//!
//! Complexity: O(n + m) time (bucket sort by degree, then peeling), O(n + m) memory for the
//! undirected view.

use crate::graph::CsrGraph;

/// Core number of every node, indexed by `NodeId`.
pub fn kcore(g: &CsrGraph) -> Vec<u32> {
    let u = g.undirected();
    let n = u.n();
    // Degree without self-loops (rows are sorted and merged, so each neighbour appears once).
    let mut deg: Vec<u32> = (0..n as u32)
        .map(|v| u.neighbors(v).iter().filter(|&&w| w != v).count() as u32)
        .collect();
    let maxd = deg.iter().copied().max().unwrap_or(0) as usize;
    // Bucket sort nodes by degree: bin[d] = first position of degree d in `vert`.
    let mut bin = vec![0usize; maxd + 2];
    for &d in &deg {
        bin[d as usize + 1] += 1;
    }
    for d in 0..=maxd {
        bin[d + 1] += bin[d];
    }
    let mut pos = vec![0usize; n];
    let mut vert = vec![0u32; n];
    {
        let mut next = bin.clone();
        for v in 0..n {
            let d = deg[v] as usize;
            pos[v] = next[d];
            vert[next[d]] = v as u32;
            next[d] += 1;
        }
    }
    for i in 0..n {
        let v = vert[i];
        let dv = deg[v as usize];
        for &w in u.neighbors(v) {
            if w == v {
                continue;
            }
            let dw = deg[w as usize];
            if dw > dv {
                // Move w to the front of its bucket, then shrink the bucket.
                let pw = pos[w as usize];
                let start = bin[dw as usize];
                let x = vert[start];
                if x != w {
                    vert.swap(start, pw);
                    pos[x as usize] = pw;
                    pos[w as usize] = start;
                }
                bin[dw as usize] += 1;
                deg[w as usize] = dw - 1;
            }
        }
    }
    deg
}

/// Degeneracy: the largest core number (0 for an empty graph).
pub fn degeneracy(core: &[u32]) -> u32 {
    core.iter().copied().max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn triangle_with_tail_and_loop() {
        // Triangle 0-1-2, tail 2-3, self-loop on 3, isolated 4.
        let g = crate::graph::CsrGraph::from_arcs(
            5,
            &[
                (0, 1, 1.0),
                (1, 2, 1.0),
                (2, 0, 1.0),
                (2, 3, 1.0),
                (3, 3, 1.0),
            ],
            false,
        );
        assert_eq!(super::kcore(&g), vec![2, 2, 2, 1, 0]);
    }
}
