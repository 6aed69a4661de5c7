#!/usr/bin/env python3
"""Reference data for the community-detection tests (tests/community_*.rs).

Writes tests/data/community/:
  <name>.edges.tsv   copy of ../shared/data/<name>/<name>.edges.tsv (undirected, 0-based ids)
  football.truth     conference id per node (from ../shared/data/football/football.nodes.tsv)
  <name>.json        {
                       "igraph_leiden_modularity_median": median modularity of igraph
                           community_leiden(objective_function="modularity", n_iterations=-1)
                           over seeds 0..19, copied from ../shared/data/oracles/<name>.json,
                       "best_modularity_any_peer": same source,
                       "checks": [ {"weighted": bool, "resolution": γ, "membership": [...],
                                    "modularity": networkx.community.modularity(G, parts,
                                                  weight=..., resolution=γ)} ... ]
                     }
The "checks" partitions are networkx Louvain partitions (seeds 0, 1), a random partition
(random.Random(7), 5 labels) and the one-community partition; modularity is networkx's.
The Rust tests recompute modularity of the same membership and compare with |diff| <= 1e-9.

Versions used: networkx 3.6.1, python 3; tolerance for modularity equality 1e-9 (f32 weights
in kolgraph's CSR are exact for these small integer weights).
Usage: python3 scripts/oracles/community.py   (from the repository root; needs ../shared/data
or SHARED_DATA=/path/to/shared/data)
"""
import json
import os
import random
import shutil

import networkx as nx

DATA = os.environ.get("SHARED_DATA", os.path.join("..", "shared", "data"))
if not os.path.isdir(DATA):  # worktrees live one level deeper than the main checkout
    DATA = "/work/shared/data"
OUT = os.path.join("tests", "data", "community")
NAMES = ["karate", "football", "polbooks", "dolphins", "lesmis"]


def read_graph(path, weighted):
    G = nx.Graph()
    n = 0
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        f = line.split()
        u, v = int(f[0]), int(f[1])
        w = float(f[2]) if (weighted and len(f) > 2) else 1.0
        G.add_edge(u, v, weight=w)
        n = max(n, u + 1, v + 1)
    G.add_nodes_from(range(n))
    return G, n


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in NAMES:
        src = os.path.join(DATA, name, name + ".edges.tsv")
        shutil.copyfile(src, os.path.join(OUT, name + ".edges.tsv"))
        oracle = json.load(open(os.path.join(DATA, "oracles", name + ".json")))
        c = oracle["communities"]
        doc = {
            "dataset": name,
            "source": "../shared/data/%s/%s.edges.tsv" % (name, name),
            "networkx_version": nx.__version__,
            "igraph_leiden_modularity_median": c["igraph_leiden_modularity"]["modularity"]["median"],
            "best_modularity_any_peer": c["best_modularity_any_peer"],
            "checks": [],
        }
        has_weights = any(len(l.split()) > 2 for l in open(src) if not l.startswith("#"))
        for weighted in ([False, True] if has_weights else [False]):
            G, n = read_graph(src, weighted)
            parts = []
            for seed in (0, 1):
                comms = nx.community.louvain_communities(G, weight="weight", seed=seed)
                m = [0] * n
                for i, cset in enumerate(comms):
                    for v in cset:
                        m[v] = i
                parts.append(m)
            rnd = random.Random(7)
            parts.append([rnd.randrange(5) for _ in range(n)])
            parts.append([0] * n)
            for m in parts:
                for gamma in (1.0, 0.5, 1.5):
                    groups = {}
                    for v, l in enumerate(m):
                        groups.setdefault(l, set()).add(v)
                    q = nx.community.modularity(G, list(groups.values()), weight="weight", resolution=gamma)
                    doc["checks"].append({"weighted": weighted, "resolution": gamma, "membership": m, "modularity": q})
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(doc, f)
    with open(os.path.join(OUT, "football.truth"), "w") as f:
        f.write("# conference_id per node id, from ../shared/data/football/football.nodes.tsv\n")
        for line in open(os.path.join(DATA, "football", "football.nodes.tsv")):
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            f.write(f"{fields[0]}\t{fields[2]}\n")


if __name__ == "__main__":
    main()
