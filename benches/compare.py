#!/usr/bin/env python3
"""One side-by-side table: kolgraph vs the best peer on the same graphs, same thread count, one run.

    python3 benches/compare.py [--graphs lfr100k,slashdot0902,rmat20,rmat22] [--threads 2]
                               [--ops pagerank,leiden,louvain,lpa,betweenness] [--tools networkit,igraph,...]
                               [--dataset DIR] [--skip-peers] [--skip-kolgraph] [--md benches/results/compare.md]
                               [--repeat N]

`--repeat N` runs kolgraph and the peers N times each, alternating, and reports medians with their
range (single runs of PLM on rmat20 vary by ±20 % on an idle 2-core machine).

rmat22 (4.2M nodes, 67M edges; `python3 ../shared/bench/gen_graphs.py rmat22`, ~1 GB) is heavy for
the peers (load ~50 s each, all ops ~20 min): `--graphs rmat22 --ops pagerank --tools networkit,igraph`
gives the PageRank row. kolgraph's CLI ingest of rmat22 needs the lean edge-list path; until it is
there, a kolgraph run whose peak would not fit is stopped by the address-space cap
(`--kolgraph-max-gb`, default 80% of MemAvailable) and reported as failed, not left to the OOM killer.

For every graph (an edge list `bench-work/<name>.el` with `<name>.meta.json`, made by
../shared/bench/gen_graphs.py or prep_real.py) it runs, one process at a time:

  * the peers through ../shared/bench/peers.py (NetworKit, igraph, rustworkx; NetworkX where it
    finishes): PageRank to L1 < 1e-6, Louvain/PLM, Leiden, label propagation; plus NetworKit's
    EstimateBetweenness with the same number of sampled sources as kolgraph;
  * the release `kolgraph` binary on the same file with the same convergence rule
    (`--pr-tol 1e-6/n`, i.e. NetworkX's n·tol rule = L1 < 1e-6), unweighted.

Timings: each tool's *operation* time excludes loading (peers.py times the library call;
kolgraph's is the compute time it prints with -v), so the ratio column compares algorithms.
kolgraph's load time (parse + CSR) and process wall are listed too. Peak RSS: the peer's
per-operation peak (includes its loaded graph) and kolgraph's whole-process peak (includes
ingest), both in MB.

gen50m, the 50M-interaction generated community (`bench-work/gen50m/`, made with `kolgraph generate
--customers 5000000 --interactions 50000000 --out bench-work/gen50m`), is a graph row too: when
`bench-work/gen50m.el` is missing, compare.py derives it once with `kolgraph centrality
bench-work/gen50m --algo degree --write-edge-list bench-work/gen50m.el` (ids resolved by kolgraph's
ingest, every pair of accounts that interacted in either direction once as `u v`, 0-based node
numbers, self-loops and weights left out: the same plain undirected list for every tool) and
writes `gen50m.meta.json` beside it. That step ingests the whole folder (~10 GB peak RSS, minutes).
`--graphs gen50m --ops pagerank --tools networkit` checks the row with one op.

`--dataset DIR` adds the end-to-end `kolgraph analyze` on a generated community (e.g. 50M
interactions from `kolgraph generate`) with its per-phase wall time and peak RSS.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SHARED_BENCH", ROOT.parent / "shared" / "bench"))
if not SHARED.exists():
    SHARED = Path("/work/shared/bench")
WORK = Path(os.environ.get("BENCH_WORK", ROOT / "bench-work"))

# peers.py op → our operation family
FAMILY = {"pagerank": "PageRank", "plm": "Louvain", "louvain": "Louvain", "leiden": "Leiden",
          "plp": "Label propagation", "lpa": "Label propagation"}
PEER_OPS = "pagerank,plm,louvain,leiden,plp,lpa"
# peers.py op → the --ops name that selects it
PEER_FAMILY_OP = {"pagerank": "pagerank", "plm": "louvain", "louvain": "louvain", "leiden": "leiden",
                  "plp": "lpa", "lpa": "lpa"}
ALL_OPS = "pagerank,leiden,louvain,lpa,betweenness"
# `--full`: every graph of issue 9 in one run. On the two largest graphs only NetworKit runs: it was
# the fastest peer on every operation of lfr100k/slashdot0902/rmat20 and on rmat22 PageRank (igraph
# 41.7 s vs 16.2 s), and igraph's community operations there take several minutes each, which would
# push one run past an hour; `--tools-for rmat22=networkit,igraph` widens it.
FULL_GRAPHS = "lfr100k,slashdot0902,rmat20,rmat22,gen50m"
FULL_TOOLS_FOR = ["rmat22=networkit", "gen50m=networkit"]
FULL_HELP = (f"graphs {FULL_GRAPHS}; peers --tools everywhere except {', '.join(FULL_TOOLS_FOR)}; "
             "plus the end-to-end analyze of bench-work/gen50m when it exists")
DUR = r"([\d.]+)(ns|µs|us|ms|s)"
UNIT = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def dur(m):
    return float(m.group(1)) * UNIT[m.group(2)]


def binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    b = target / "release" / "kolgraph"
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return b


KOLGRAPH_AS_LIMIT = None


def mem_available_gb():
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return 16.0


def cap_address_space():
    """preexec: cap the child's address space so an ingest that cannot fit fails fast."""
    if KOLGRAPH_AS_LIMIT:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (KOLGRAPH_AS_LIMIT, KOLGRAPH_AS_LIMIT))


def timed(cmd, timeout):
    """Run cmd under /usr/bin/time (address space capped); return (stderr text, wall s, peak MB, rc)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t = time.perf_counter()
        try:
            p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd, capture_output=True,
                               text=True, timeout=timeout, preexec_fn=cap_address_space)
            rc, err = p.returncode, p.stderr
        except subprocess.TimeoutExpired as e:
            return (e.stderr or b"").decode(errors="replace") if isinstance(e.stderr, bytes) else "", None, None, 124
        wall = time.perf_counter() - t
        try:
            peak = int(open(tf.name).read().strip().splitlines()[-1]) / 1024
        except (ValueError, IndexError):
            peak = None
    return err, wall, peak, rc


def kolgraph_ops(bin_, el, meta, threads, samples, timeout, ops):
    n = meta["n"]
    und = [] if meta.get("directed") else ["--undirected"]
    base = [str(bin_), "-v", "--no-progress", "--threads", str(threads)]
    rows = []
    if "pagerank" in ops:
        # PageRank: same L1 < 1e-6 criterion as the peers.
        err, wall, peak, rc = timed(base + ["centrality", str(el)] + und + [
            "--unweighted", "--algo", "pagerank", "--pr-tol", repr(1e-6 / n), "--pr-max-iter", "1000",
            # fast kernel explicitly: `auto` would pick `exact` because n·tol is below 1e-6 when the
            # file has isolated ids kolgraph never sees (its n < meta n).
            "--pr-precision", "fast", "--top",
            "1", "--format", "json", "-o", os.devnull], timeout)
        m = re.search(r"pagerank: " + DUR + r" compute, (\d+) iterations", err)
        rows.append(dict(op="PageRank", seconds=dur(m) if m else None, wall=wall, peak_mb=peak, rc=rc,
                         info=f"iterations={m.group(3)}" if m else err.strip()[-200:]))
    for method, fam in (("leiden", "Leiden"), ("louvain", "Louvain"), ("lpa", "Label propagation")):
        if method not in ops:
            continue
        err, wall, peak, rc = timed(base + ["communities", str(el)] + und + [
            "--unweighted", "--method", method, "--format", "json", "-o", os.devnull], timeout)
        m = re.search(r"communities: (\d+) found, modularity ([-\d.]+).* in " + DUR, err)
        rows.append(dict(op=fam, seconds=dur(re.match(DUR, m.group(3) + m.group(4))) if m else None, wall=wall,
                         peak_mb=peak, rc=rc,
                         info=f"communities={m.group(1)}, modularity={float(m.group(2)):.4f}" if m
                         else err.strip()[-200:]))
    if "betweenness" in ops:
        err, wall, peak, rc = timed(base + ["centrality", str(el)] + und + [
            "--unweighted", "--algo", "betweenness", "--samples", str(samples), "--top", "1", "--format", "json",
            "-o", os.devnull], timeout)
        m = re.search(r"betweenness: " + DUR, err)
        rows.append(dict(op=f"Betweenness ({samples} sources)", seconds=dur(m) if m else None, wall=wall,
                         peak_mb=peak, rc=rc, info="" if m else err.strip()[-200:]))
    return rows


def peers(el, threads, timeout, tools, ops):
    with tempfile.NamedTemporaryFile(suffix=".json") as jf:
        subprocess.run([sys.executable, str(SHARED / "peers.py"), str(el), "--tools",
                        tools, "--ops", ",".join(o for o in PEER_OPS.split(",") if PEER_FAMILY_OP[o] in ops),
                        "--threads", str(threads),
                        "--op-timeout", str(timeout), "--json", jf.name], check=False,
                       stdout=sys.stderr)
        try:
            doc = json.load(open(jf.name))
        except (OSError, ValueError):
            return {}
    best = {}
    for tr in doc.get("results", []):
        for op, r in tr["ops"].items():
            if "seconds" not in r:
                continue
            fam = FAMILY.get(op)
            if fam and (fam not in best or r["seconds"] < best[fam]["seconds"]):
                low = best.get(fam, {}).get("low")
                best[fam] = dict(tool=tr["tool"], op=op, seconds=r["seconds"], peak_mb=r.get("peak_mb"),
                                 info=r.get("info", {}), low=low)
            # The lowest peak of any peer that finished this family (for the memory goal).
            pk = r.get("peak_mb")
            if fam and pk is not None:
                low = best[fam].get("low")
                if low is None or pk < low[1]:
                    best[fam]["low"] = (tr["tool"], pk)
    return best


def nk_betweenness(el, meta, threads, samples):
    code = f"""
import resource, time, networkit as nk
nk.setNumberOfThreads({threads})
G = nk.readGraph({str(el)!r}, nk.Format.EdgeListSpaceZero, directed={bool(meta.get('directed'))})
t = time.perf_counter(); b = nk.centrality.EstimateBetweenness(G, {samples}, True, True); b.run()
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
    try:
        s, pk = p.stdout.split()
        return dict(tool="networkit", op="EstimateBetweenness", seconds=float(s), peak_mb=float(pk), info={},
                    low=("networkit", float(pk)))
    except ValueError:
        return None


def derive_generated(bin_, g, threads, timeout):
    """bench-work/<g>/ (a generated dataset folder) -> bench-work/<g>.el + .meta.json, once."""
    folder = WORK / g
    el = WORK / f"{g}.el"
    if el.exists() or not folder.is_dir():
        return
    print(f"== {g}: deriving {el} from {folder} (whole ingest, minutes)", file=sys.stderr)
    tmp = el.with_suffix(".el.tmp")
    err, wall, peak, rc = timed([str(bin_), "-v", "--no-progress", "--threads", str(threads), "centrality",
                                 str(folder), "--algo", "degree", "--top", "0", "--format", "json",
                                 "--write-edge-list", str(tmp), "-o", os.devnull], timeout)
    m = re.search(r"edge list: (\d+) undirected pairs", err or "")
    n = re.search(r"csr: (\d+) nodes", err or "")
    if rc != 0 or not m or not n:
        tmp.unlink(missing_ok=True)
        print(f"deriving {el} failed (exit {rc}): {(err or '').strip()[-400:]}", file=sys.stderr)
        return
    tmp.rename(el)
    meta = dict(name=g, file=el.name, directed=False, n=int(n.group(1)), m=int(m.group(1)),
                source=str(folder.resolve()), made_by="kolgraph centrality --algo degree --write-edge-list",
                note="undirected view of the interaction graph: each pair of accounts that interacted "
                     "(either direction) once, 0-based kolgraph node numbers, no self-loops, unweighted",
                derive_seconds=round(wall or 0, 1), derive_peak_mb=round(peak or 0))
    el.with_suffix(".meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"   {meta['m']} pairs over {meta['n']} nodes in {wall:.0f} s, peak {peak:.0f} MB", file=sys.stderr)


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def fmt(x, nd=2):
    return "—" if x is None else (f"{x:.{nd}f}" if x < 100 else f"{x:.0f}")


def analyze_row(bin_, dataset, threads, timeout):
    with tempfile.TemporaryDirectory() as out:
        err, wall, peak, rc = timed([str(bin_), "-v", "--no-progress", "--threads", str(threads), "analyze",
                                     str(dataset), "--out", out], timeout)
        phases = []
        try:
            summary = json.load(open(Path(out) / "summary.json"))
            phases = summary.get("phases", [])
        except (OSError, ValueError):
            pass
    return dict(wall=wall, peak_mb=peak, rc=rc, phases=phases, tail=err.strip()[-400:])


def spread(r):
    """' (min–max)' of a median over several runs, else ''."""
    rng = r.get("range")
    return f" ({fmt(rng[0])}–{fmt(rng[1])})" if rng and len(r.get("all", ())) > 1 else ""


def median_rows(runs):
    """kolgraph rows of several runs -> one row per op: median seconds, range, largest peak."""
    if not runs:
        return []
    out = []
    for i, first in enumerate(runs[0]):
        same = [rs[i] for rs in runs if i < len(rs) and rs[i]["op"] == first["op"]]
        secs = sorted(r["seconds"] for r in same if r["seconds"] is not None)
        row = dict(first)
        if secs:
            row.update(seconds=statistics.median(secs), range=(secs[0], secs[-1]), all=secs)
        peaks = [r["peak_mb"] for r in same if r.get("peak_mb") is not None]
        row["peak_mb"] = max(peaks) if peaks else None
        out.append(row)
    return out


def median_best(runs):
    """Best peer per family over several runs: median of each run's best time, largest peaks."""
    if not runs:
        return {}
    out = {}
    for fam in runs[0]:
        same = [b[fam] for b in runs if fam in b]
        secs = sorted(r["seconds"] for r in same)
        row = dict(same[0])
        row.update(seconds=statistics.median(secs), range=(secs[0], secs[-1]), all=secs)
        peaks = [r["peak_mb"] for r in same if r.get("peak_mb") is not None]
        row["peak_mb"] = max(peaks) if peaks else None
        lows = [r["low"] for r in same if r.get("low")]
        row["low"] = max(lows, key=lambda t: t[1]) if lows else None
        out[fam] = row
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--graphs", default="lfr100k,slashdot0902,rmat20")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--samples", type=int, default=64, help="sampled sources for betweenness")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--dataset", help="generated dataset folder for the end-to-end analyze row")
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--skip-kolgraph", action="store_true", help="peers only")
    ap.add_argument("--ops", default=ALL_OPS, help="operations to run (kolgraph and peers)")
    ap.add_argument("--tools", default="networkit,igraph,rustworkx,networkx", help="peers for peers.py")
    ap.add_argument("--tools-for", action="append", default=[], metavar="GRAPH=TOOLS",
                    help="peers for one graph (repeatable), e.g. rmat22=networkit")
    ap.add_argument("--full", action="store_true",
                    help="the issue-9 table in one run: " + FULL_HELP)
    ap.add_argument("--kolgraph-max-gb", type=float, default=None,
                    help="address-space cap of each kolgraph run (default 80%% of MemAvailable)")
    ap.add_argument("--md", help="also write the markdown here")
    ap.add_argument("--repeat", type=int, default=1,
                    help="run kolgraph and the peers N times, alternating, and report each side's median "
                         "(range in brackets); peaks are the largest seen")
    a = ap.parse_args()
    if a.full:
        a.graphs = FULL_GRAPHS
        a.tools_for = FULL_TOOLS_FOR + a.tools_for
        if not a.dataset and (WORK / "gen50m").is_dir():
            a.dataset = str(WORK / "gen50m")
    tools_for = {}
    for spec in a.tools_for:
        g, _, t = spec.partition("=")
        if not t:
            ap.error(f"--tools-for wants GRAPH=TOOLS, got {spec!r}")
        tools_for[g] = t
    ops = set(a.ops.split(","))
    unknown = ops - set(ALL_OPS.split(","))
    if unknown:
        ap.error(f"unknown --ops {sorted(unknown)}; choose from {ALL_OPS}")
    global KOLGRAPH_AS_LIMIT
    KOLGRAPH_AS_LIMIT = int((a.kolgraph_max_gb or 0.8 * mem_available_gb()) * 2**30)
    bin_ = binary()
    ver = subprocess.run([str(bin_), "--version"], capture_output=True, text=True).stdout.strip()
    t_run = time.perf_counter()
    load0 = os.getloadavg()[0]
    peers_of = ", ".join(f"{g}: {tools_for.get(g, a.tools)}" for g in a.graphs.split(","))
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} on {os.cpu_count()} cores ({cpu_model()}), "
             f"--threads {a.threads}, {ver}; load average at start {load0:.2f}.",
             f"Peers per graph: {peers_of}.",
             "Times exclude loading (op only); ratio = kolgraph / best peer (< 1 means kolgraph is faster)."
             + (f" Each side ran {a.repeat} times, alternating: median (min–max), largest peak." if a.repeat > 1
                else ""), "",
             "| graph | operation | kolgraph s | best peer | peer s | ratio | kolgraph peak MB (process) | "
             "peer peak MB (op) | lowest peer peak MB (op) | kolgraph result | peer result |",
             "|---|---|---:|---|---:|---:|---:|---:|---|---|---|"]
    yard = []
    for g in a.graphs.split(","):
        derive_generated(bin_, g, a.threads, a.timeout)
        el = WORK / f"{g}.el"
        if not el.exists():
            print(f"skip {g}: {el} missing (python3 {SHARED}/gen_graphs.py {g})", file=sys.stderr)
            continue
        meta = json.load(open(el.with_suffix(".meta.json")))
        print(f"== {g}: kolgraph", file=sys.stderr)
        row_runs, best_runs = [], []
        for rep in range(max(1, a.repeat)):
            if rep:
                print(f"== {g}: repeat {rep + 1} of {a.repeat}", file=sys.stderr)
            if not a.skip_kolgraph:
                row_runs.append(kolgraph_ops(bin_, el, meta, a.threads, a.samples, a.timeout, ops))
            if not a.skip_peers:
                print(f"== {g}: peers", file=sys.stderr)
                b = peers(el, a.threads, a.timeout, tools_for.get(g, a.tools), ops)
                bc = nk_betweenness(el, meta, a.threads, a.samples) if "betweenness" in ops else None
                if bc:
                    b[f"Betweenness ({a.samples} sources)"] = bc
                best_runs.append(b)
        rows = median_rows(row_runs)
        best = median_best(best_runs)
        if a.skip_kolgraph:
            # Peers only: one row per peer operation family.
            rows = [dict(op=fam, seconds=None, peak_mb=None, info="not run") for fam in best]
        for r in rows:
            b = best.get(r["op"])
            ratio = r["seconds"] / b["seconds"] if b and r["seconds"] else None
            pinfo = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                              for k, v in (b or {}).get("info", {}).items() if k in ("iterations", "modularity",
                                                                                      "communities", "nmi"))
            lines.append(f"| {g} | {r['op']} | {fmt(r['seconds'])}{spread(r)} | "
                         f"{(b['tool'] + ' ' + b['op']) if b else '—'} | "
                         f"{fmt(b['seconds']) + spread(b) if b else '—'} | {fmt(ratio)} | {fmt(r['peak_mb'], 0)} | "
                         f"{fmt(b['peak_mb'], 0) if b else '—'} | "
                         f"{(fmt(b['low'][1], 0) + ' ' + b['low'][0]) if b and b.get('low') else '—'} | "
                         f"{r['info']} | {pinfo} |")
        if rows:
            print("\n".join(lines[-len(rows):]), file=sys.stderr)
        # Issue 4's yardstick: Leiden against NetworKit PLM (listed in the Louvain row).
        lei = next((r for r in rows if r["op"] == "Leiden" and r["seconds"]), None)
        plm = best.get("Louvain")
        if lei and plm and plm.get("op") == "plm":
            yard.append(f"{g}: Leiden {fmt(lei['seconds'])} s vs NetworKit PLM {fmt(plm['seconds'])} s = "
                        f"{fmt(lei['seconds'] / plm['seconds'])}; peaks {fmt(lei['peak_mb'], 0)} vs "
                        f"{fmt(plm['peak_mb'], 0)} MB")
    if yard:
        lines += ["", "Leiden vs NetworKit PLM (issue 4's yardstick): " + "; ".join(yard) + "."]
    if a.dataset:
        print(f"== end-to-end analyze {a.dataset}", file=sys.stderr)
        r = analyze_row(bin_, a.dataset, a.threads, a.timeout * 4)
        lines += ["", f"End to end: `kolgraph analyze {a.dataset}`: wall {fmt(r['wall'], 1)} s, peak RSS "
                  f"{fmt(r['peak_mb'], 0)} MB, exit {r['rc']}.", ""]
        if r["phases"]:
            lines += ["| phase | seconds | peak RSS MB |", "|---|---:|---:|"]
            for p in r["phases"]:
                pk = p.get("peak_rss_bytes")
                lines.append(f"| {p.get('name')} | {fmt(p.get('seconds'))} | {fmt(pk / 2**20 if pk else None, 0)} |")
        else:
            lines.append("(no per-phase figures in summary.json) " + r["tail"].replace("\n", " "))
    lines += ["", f"Whole run {(time.perf_counter() - t_run) / 60:.1f} min; load average at end "
              f"{os.getloadavg()[0]:.2f}."]
    md = "\n".join(lines)
    print(md)
    if a.md:
        Path(a.md).parent.mkdir(parents=True, exist_ok=True)
        Path(a.md).write_text(md + "\n")


if __name__ == "__main__":
    main()
