#!/usr/bin/env python3
"""Reference values for kolgraph's centrality tests (tests/centrality_oracles.rs).

Produced with python 3.11, networkx 3.6.1, numpy 2.x, scipy 1.17 (versions recorded in each JSON).
Run from the repository root:  python3 scripts/oracles/centrality.py
Writes tests/data/centrality/<graph>.json for the five public graphs of ../shared/data (copied edge
lists live in tests/data/centrality/*.edges.tsv) and for `directed`, a hand-made directed weighted
graph with dangling nodes, self-loops, a reciprocal pair and parallel-free arcs (weights are exact
in f32 and their inverses are powers of two, so weighted shortest paths compare exactly).

What is computed (and the tolerance the Rust tests apply):
* pagerank: networkx.pagerank(alpha=0.85, tol=1e-12, max_iter=10000), weight=None and, for weighted
  graphs, weight="weight"; plus a personalised run (personalization = 1 + (id mod 3), dangling
  mass to the personalization vector, NetworkX's default).        tolerance 1e-9 per node
* betweenness: networkx.betweenness_centrality(normalized=True/False, endpoints=False), hop counts;
  on weighted graphs also with weight="dist" where dist = 1/weight; and a sampled run with a fixed
  source set (the seed object returns those sources), to check NetworkX's k scaling. tol 1e-9
* core: networkx.core_number on the undirected simple view without self-loops.  exact
* hits: networkx.hits(max_iter=10000, tol=1e-12) (ARPACK svds), weighted (weight attribute) on the
  weighted graphs, unweighted otherwise.                                          tolerance 1e-6
* leaderrank: an independent dense numpy computation (stationary distribution of the walk on the
  graph + ground node, by solving (P^T - I) pi = 0 with sum(pi) = 1; LR = n*pi + n*pi_g/n), uniform
  ground links and in-degree ground links (Li et al. 2014, beta = 1), unweighted. tolerance 1e-8
"""
import json
import os
import random
import sys

import networkx as nx
import numpy as np
import scipy

OUT = "tests/data/centrality"
SHARED = next((d for d in (os.environ.get("SHARED_DATA", ""), "../shared/data", "../../shared/data") if d and os.path.isdir(d)), "../shared/data")
PUBLIC = ["karate", "football", "polbooks", "dolphins", "lesmis"]

DIRECTED_EDGES = [
    # src dst weight: 0..9 form a core; 10 and 11 are dangling; 3 and 7 have self-loops;
    # 12 only acts (no in-arcs); 0<->1 reciprocal with different weights.
    (0, 1, 2.0), (1, 0, 1.0), (0, 2, 1.0), (2, 3, 4.0), (3, 3, 1.0), (3, 4, 0.5),
    (4, 0, 1.0), (4, 5, 2.0), (5, 6, 1.0), (6, 4, 1.0), (6, 7, 2.0), (7, 7, 2.0),
    (7, 8, 1.0), (8, 9, 4.0), (9, 5, 1.0), (9, 10, 1.0), (2, 10, 0.5), (8, 11, 2.0),
    (12, 0, 1.0), (12, 6, 4.0), (1, 6, 1.0), (5, 2, 2.0), (3, 9, 1.0),
]


class FixedSample(random.Random):
    """A Random whose sample() returns a fixed list (to give networkx our source set)."""

    def __init__(self, sources):
        super().__init__(0)
        self.sources = sources

    def sample(self, population, k, **kw):
        assert k == len(self.sources)
        return list(self.sources)


def pairs(d):
    return [[str(k), float(v)] for k, v in sorted(d.items())]


def leaderrank(G, ground):
    nodes = sorted(G)
    n = len(nodes)
    idx = {v: i for i, v in enumerate(nodes)}
    W = np.zeros((n + 1, n + 1))
    for u, v in G.edges():
        W[idx[u], idx[v]] += 1.0
        if not G.is_directed() and u != v:
            W[idx[v], idx[u]] += 1.0
    for v in nodes:
        i = idx[v]
        W[i, n] = 1.0
        if ground == "uniform":
            W[n, i] = 1.0
        else:
            kin = G.in_degree(v) if G.is_directed() else G.degree(v) - (2 if G.has_edge(v, v) else 0)
            if G.is_directed() and G.has_edge(v, v):
                kin = G.in_degree(v)
            W[n, i] = float(kin)
    P = W / W.sum(axis=1, keepdims=True)
    A = P.T - np.eye(n + 1)
    A[-1, :] = 1.0
    b = np.zeros(n + 1)
    b[-1] = 1.0
    pi = np.linalg.solve(A, b)
    lr = n * pi[:n] + pi[n]
    return {v: lr[idx[v]] for v in nodes}


def compute(name, G, weighted):
    res = {"graph": name, "directed": G.is_directed(), "weighted": weighted,
           "n": G.number_of_nodes(), "m": G.number_of_edges(),
           "versions": {"python": sys.version.split()[0], "networkx": nx.__version__,
                        "numpy": np.__version__, "scipy": scipy.__version__}}
    pr = lambda **kw: nx.pagerank(G, alpha=0.85, tol=1e-12, max_iter=10000, **kw)
    res["pagerank"] = pairs(pr(weight=None))
    pers = {v: 1.0 + (v % 3) for v in G}
    res["pagerank_personalized"] = pairs(pr(weight=None, personalization=pers))
    if weighted:
        res["pagerank_weighted"] = pairs(pr(weight="weight"))
        res["pagerank_weighted_personalized"] = pairs(pr(weight="weight", personalization=pers))
    res["betweenness"] = pairs(nx.betweenness_centrality(G, normalized=True))
    res["betweenness_raw"] = pairs(nx.betweenness_centrality(G, normalized=False))
    if weighted:
        for u, v, d in G.edges(data=True):
            d["dist"] = 1.0 / d["weight"]
        res["betweenness_weighted"] = pairs(nx.betweenness_centrality(G, normalized=True, weight="dist"))
    srcs = sorted(G)[:: 3]
    res["betweenness_sample_sources"] = [str(s) for s in srcs]
    res["betweenness_sampled"] = pairs(nx.betweenness_centrality(G, k=len(srcs), normalized=True, seed=FixedSample(srcs)))
    res["betweenness_sampled_raw"] = pairs(nx.betweenness_centrality(G, k=len(srcs), normalized=False, seed=FixedSample(srcs)))
    U = nx.Graph(G.to_undirected()) if G.is_directed() else nx.Graph(G)
    U.remove_edges_from(list(nx.selfloop_edges(U)))
    res["core"] = [[str(k), int(v)] for k, v in sorted(nx.core_number(U).items())]
    h, a = nx.hits(G, max_iter=10000, tol=1e-12)  # uses the "weight" attribute when present
    res["hits_hubs"] = pairs(h)
    res["hits_authorities"] = pairs(a)
    Gu = nx.DiGraph(G) if G.is_directed() else nx.Graph(G)
    res["leaderrank"] = pairs(leaderrank(Gu, "uniform"))
    res["leaderrank_indegree"] = pairs(leaderrank(Gu, "indegree"))
    return res


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in PUBLIC:
        src = f"{SHARED}/{name}/{name}.edges.tsv"
        G = nx.Graph()
        weighted = False
        with open(src) as f:
            lines = [l for l in f if not l.startswith("#") and l.strip()]
        for l in lines:
            p = l.split()
            w = float(p[2]) if len(p) > 2 else 1.0
            weighted |= len(p) > 2
            G.add_edge(int(p[0]), int(p[1]), weight=w)
        with open(f"{OUT}/{name}.edges.tsv", "w") as f:
            f.write(f"# {name}: copied from ../shared/data/{name}/{name}.edges.tsv (see its README for provenance)\n")
            f.writelines(lines)
        json.dump(compute(name, G, weighted), open(f"{OUT}/{name}.json", "w"), indent=0)
    G = nx.DiGraph()
    for u, v, w in DIRECTED_EDGES:
        G.add_edge(u, v, weight=w)
    with open(f"{OUT}/directed.edges.tsv", "w") as f:
        f.write("# hand-made directed weighted test graph (scripts/oracles/centrality.py)\n")
        for u, v, w in DIRECTED_EDGES:
            f.write(f"{u}\t{v}\t{w}\n")
    json.dump(compute("directed", G, True), open(f"{OUT}/directed.json", "w"), indent=0)


if __name__ == "__main__":
    main()
