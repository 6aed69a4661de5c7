#!/usr/bin/env python3
"""networkx's comparable part of `kolgraph smallworld` on a big graph, timed on samples and
extrapolated (networkx.sigma/omega themselves cannot finish on 100k nodes: they compute exact
path lengths on every reference graph).

Measured: local clustering of NODE_SAMPLE random nodes (nx.clustering) and single-source BFS
path lengths from BFS_SAMPLE random sources (nx.single_source_shortest_path_length), both
scaled linearly to what kolgraph computes: clustering of all n nodes plus `samples` BFS sources,
on the graph and on each of the 2·nrand reference graphs. The reference graphs' rewiring
(nx.double_edge_swap / lattice_reference) is NOT counted, so the estimate is a lower bound on
networkx's time.

  benches/spread_nx.py GRAPH.el [--samples 256] [--nrand 4] [--node-sample 10000] [--bfs-sample 6]
"""
import argparse, json, random, time
import networkx as nx

ap = argparse.ArgumentParser()
ap.add_argument("graph")
ap.add_argument("--samples", type=int, default=256)
ap.add_argument("--nrand", type=int, default=4)
ap.add_argument("--node-sample", type=int, default=10000)
ap.add_argument("--bfs-sample", type=int, default=6)
a = ap.parse_args()
t = time.perf_counter()
G = nx.Graph()
with open(a.graph) as f:
    for line in f:
        if line[0] in "#%":
            continue
        p = line.split()
        if len(p) >= 2 and p[0] != p[1]:
            G.add_edge(int(p[0]), int(p[1]))
load = time.perf_counter() - t
rng = random.Random(1)
nodes = list(G.nodes())
sample = rng.sample(nodes, min(a.node_sample, len(nodes)))
t = time.perf_counter()
nx.clustering(G, nodes=sample)
tc = (time.perf_counter() - t) * len(nodes) / len(sample)
src = rng.sample(nodes, a.bfs_sample)
t = time.perf_counter()
for s in src:
    nx.single_source_shortest_path_length(G, s)
tb = (time.perf_counter() - t) * a.samples / a.bfs_sample
per_graph = tc + tb
total = per_graph * (1 + 2 * a.nrand)
print(json.dumps({"networkx": nx.__version__, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                  "load_s": round(load, 2), "clustering_all_nodes_s_est": round(tc, 2),
                  "bfs_sources_s_est": round(tb, 2), "per_graph_s_est": round(per_graph, 2),
                  "smallworld_lower_bound_s_est": round(total, 1)}))
