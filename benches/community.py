#!/usr/bin/env python3
"""Community detection benchmark: kolgraph (release, --threads 2) vs NetworKit PLM / ParallelLeiden
and igraph Leiden, side by side in one run.

    cargo build --release
    python3 ../shared/bench/gen_graphs.py lfr100k            # bench-work/lfr100k.{el,truth}
    python3 benches/community.py [GRAPH ...]                  # default: lfr100k (+ rmat20 if present)

Environment: KOLGRAPH (binary, default $CARGO_TARGET_DIR/release/kolgraph or target/release/kolgraph),
BENCH_WORK (default bench-work), PEERS (default ../shared/bench/peers.py, falling back to
/work/shared/bench/peers.py), THREADS (default 2), METHODS (default leiden,louvain,lpa),
PEER_TOOLS (default networkit,igraph), PEER_OPS (default plm,louvain,leiden,plp,lpa); for rmat20 use
e.g. METHODS=leiden PEER_TOOLS=networkit PEER_OPS=plm to keep one locked run short.

kolgraph time = the detection phase as reported by `-v` ("communities: ... in X"), i.e. without
loading, like peers.py's per-operation time. Peak RSS = the whole kolgraph process (/usr/bin/time
%M), which includes the ingested property graph; peers.py reports per-operation peaks including
its loaded graph. "algo +MB" = kolgraph's detection peak over its resident set just before it
(`-v`, high-water mark reset through /proc/self/clear_refs); "peer op +MB" = the peer operation's
peak minus its RSS after loading (peers.py's load rss_mb): the algorithms' own working sets. Modularity: kolgraph's own (equal to networkx's, tested); peers' from peers.py
(4 decimals) plus an extra full-precision NetworKit PLM run. NMI: scikit-learn, arithmetic mean.
"""
import csv
import json
import os
import re
import subprocess
import sys

WORK = os.environ.get("BENCH_WORK", "bench-work")
THREADS = os.environ.get("THREADS", "2")
METHODS = os.environ.get("METHODS", "leiden,louvain,lpa").split(",")
PEER_TOOLS = os.environ.get("PEER_TOOLS", "networkit,igraph")
PEER_OPS = os.environ.get("PEER_OPS", "plm,louvain,leiden,plp,lpa")


def kolgraph_bin():
    if "KOLGRAPH" in os.environ:
        return os.environ["KOLGRAPH"]
    tdir = os.environ.get("CARGO_TARGET_DIR", "target")
    return os.path.join(tdir, "release", "kolgraph")


def peers_py():
    p = os.environ.get("PEERS", os.path.join("..", "shared", "bench", "peers.py"))
    return p if os.path.exists(p) else "/work/shared/bench/peers.py"


def read_truth(path):
    if not os.path.exists(path):
        return None
    return [int(l.split()[-1]) for l in open(path) if l.strip() and not l.startswith("#")]


def nmi(a, b):
    from sklearn.metrics import normalized_mutual_info_score
    return normalized_mutual_info_score(a, b)


def run_kolgraph(graph, method, truth):
    el = os.path.join(WORK, graph + ".el")
    out = os.path.join(WORK, f"kg_{graph}_{method}.csv")
    cmd = ["/usr/bin/time", "-f", "TIME %e %M", kolgraph_bin(), "--threads", THREADS, "--no-progress",
           "-v", "communities", el, "--undirected", "--unweighted", "--method", method,
           "--view", "members", "--format", "csv", "-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"kolgraph failed: {p.stderr}")
    m = re.search(r"communities: (\d+) found, modularity ([0-9.\-]+).* in ([0-9.]+)(ms|µs|s)", p.stderr)
    secs = float(m.group(3)) * {"s": 1.0, "ms": 1e-3, "µs": 1e-6}[m.group(4)]
    tm = re.search(r"TIME ([0-9.]+) (\d+)", p.stderr)
    cpu = re.search(r"\(CPU ([0-9.]+)s\)", p.stderr)
    inc = re.search(r"detection peak \+([0-9.]+) MiB over ([0-9.]+) MiB resident", p.stderr)
    res = {"seconds": secs, "wall_total": float(tm.group(1)), "peak_mb": int(tm.group(2)) / 1024.0,
           "communities": int(m.group(1)), "modularity": float(m.group(2)),
           "algo_mb": float(inc.group(1)) * 1.048576 if inc else float("nan"),
           "cpu": float(cpu.group(1)) if cpu else float("nan")}
    if truth is not None:
        lab = [0] * len(truth)
        for r in csv.DictReader(open(out)):
            lab[int(r["id"])] = int(r["community"])
        res["nmi"] = nmi(truth, lab)
    return res


def plm_precise(graph, truth):
    code = f"""
import json, sys, networkit as nk
nk.setNumberOfThreads({THREADS})
G = nk.readGraph({os.path.join(WORK, graph + '.el')!r}, nk.Format.EdgeListSpaceZero)
P = nk.community.detectCommunities(G, algo=nk.community.PLM(G, refine=False, gamma=1.0, par='balanced', maxIter=32, turbo=True, recurse=True), inspect=False)
print(json.dumps({{'modularity': nk.community.Modularity().getQuality(P, G), 'membership': P.getVector()}}))
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if p.returncode != 0:
        return None
    d = json.loads(p.stdout.strip().splitlines()[-1])
    res = {"modularity": d["modularity"]}
    if truth is not None:
        res["nmi"] = nmi(truth, d["membership"][: len(truth)])
    return res


def main():
    graphs = sys.argv[1:] or [g for g in ("lfr100k", "rmat20") if os.path.exists(os.path.join(WORK, g + ".el"))]
    rows = []
    for graph in graphs:
        truth = read_truth(os.path.join(WORK, graph + ".truth"))
        kg = {m: run_kolgraph(graph, m, truth) for m in METHODS}
        pj = os.path.join(WORK, f"peers_{graph}_community.json")
        cmd = [sys.executable, peers_py(), os.path.join(WORK, graph + ".el"), "--tools", PEER_TOOLS,
               "--ops", PEER_OPS, "--threads", THREADS, "--json", pj]
        if truth is not None:
            cmd += ["--truth", os.path.join(WORK, graph + ".truth")]
        subprocess.run(cmd, capture_output=True, text=True)
        peers = json.load(open(pj))
        precise = plm_precise(graph, truth)
        best = {}
        for t in peers["results"]:
            for op, r in t.get("ops", {}).items():
                if "seconds" not in r:
                    continue
                kind = {"plm": "louvain", "louvain": "louvain", "leiden": "leiden", "plp": "lpa", "lpa": "lpa"}.get(op)
                if kind is None:
                    continue
                load_rss = (t.get("load") or {}).get("rss_mb")
                own = r["peak_mb"] - load_rss if r.get("peak_mb") is not None and load_rss is not None else None
                row = {"graph": graph, "tool": t["tool"], "op": op, "seconds": r["seconds"],
                       "peak_mb": r.get("peak_mb"), "own_mb": own, **(r.get("info") or {})}
                rows.append(row)
                if kind not in best or r["seconds"] < best[kind]["seconds"]:
                    best[kind] = row
        print(f"\n### {graph} (threads={THREADS}; machine shared with other builds: indicative)\n")
        print("| method | kolgraph s | Q | NMI | peak MB | algo +MB | best peer | peer s | peer Q | peer NMI | peer peak MB | peer op +MB | time ratio kg/peer |")
        print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
        for m in METHODS:
            k = kg[m]
            # The issue compares Leiden with PLM: use it when no Leiden peer ran.
            b = best.get(m) or (best.get("louvain", {}) if m == "leiden" else {})
            ratio = k["seconds"] / b["seconds"] if b.get("seconds") else float("nan")
            print(f"| {m} | {k['seconds']:.3f} | {k['modularity']:.4f} | {k.get('nmi', float('nan')):.4f} | "
                  f"{k['peak_mb']:.0f} | {k['algo_mb']:.0f} | {b.get('tool', '-')} {b.get('op', '')} | {b.get('seconds', float('nan')):.3f} | "
                  f"{b.get('modularity', float('nan'))} | {b.get('nmi', float('nan'))} | {b.get('peak_mb') or float('nan'):.0f} | "
                  f"{b['own_mb'] if b.get('own_mb') is not None else float('nan'):.0f} | {ratio:.2f} |")
        print("\nall peers:")
        for r in rows:
            if r["graph"] == graph:
                print(f"  {r['tool']:9s} {r['op']:7s} {r['seconds']:.3f} s  peak {r.get('peak_mb') or 0:.0f} MB "
                      f"(op +{r['own_mb'] if r.get('own_mb') is not None else float('nan'):.0f} MB over the loaded graph)  "
                      f"Q {r.get('modularity')}  NMI {r.get('nmi')}  communities {r.get('communities')}")
        for m in METHODS:
            k = kg[m]
            print(f"  kolgraph  {m:7s} {k['seconds']:.3f} s (CPU {k['cpu']:.2f} s; process wall {k['wall_total']:.2f} s incl. load)  "
                  f"peak {k['peak_mb']:.0f} MB (detection +{k['algo_mb']:.0f} MB)  Q {k['modularity']:.6f}  NMI {k.get('nmi', float('nan')):.4f}  "
                  f"communities {k['communities']}")
        if precise:
            print(f"  NetworKit PLM full precision: Q {precise['modularity']:.6f}  NMI {precise.get('nmi', float('nan')):.4f}")
        plm = next((r for r in rows if r["graph"] == graph and r["op"] == "plm"), None)
        if plm and "leiden" in kg:
            k = kg["leiden"]
            q_plm = precise["modularity"] if precise else plm.get("modularity", float("nan"))
            print(f"\nkolgraph Leiden vs NetworKit PLM (the issue's goal): time {k['seconds']:.3f} / {plm['seconds']:.3f} s "
                  f"= {k['seconds'] / plm['seconds']:.2f}x; Q {k['modularity']:.6f} vs {q_plm:.6f}; "
                  f"peak {k['peak_mb']:.0f} vs {plm.get('peak_mb') or float('nan'):.0f} MB")


if __name__ == "__main__":
    main()
