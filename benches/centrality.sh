#!/usr/bin/env bash
# Side-by-side PageRank and sampled-betweenness benchmark: kolgraph vs NetworKit / igraph /
# rustworkx (via ../shared/bench/peers.py) and the hand-written C kernel (pr_kernel.c).
#
# Usage: benches/centrality.sh [GRAPH=rmat20] [THREADS=2] [SAMPLES=32]
# On the shared machine wrap the timed parts in `flock /work/bench.lock` (builds outside the lock).
# Inputs go to bench-work/ (git-ignored). Run on an otherwise idle machine; figures taken while other
# builds run are indicative only. Convention: PageRank to L1 change < 1e-6 on the probability vector
# (kolgraph --pr-tol 1e-6/n = NetworkX's tol·n rule), damping 0.85, unweighted, undirected R-MAT.
set -euo pipefail
GRAPH=${1:-rmat20}
THREADS=${2:-2}
SAMPLES=${3:-32}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${SHARED_BENCH:-$ROOT/../shared/bench}
[ -d "$SHARED" ] || SHARED=/work/shared/bench
export BENCH_WORK=${BENCH_WORK:-$ROOT/bench-work}
mkdir -p "$BENCH_WORK"
EL=$BENCH_WORK/$GRAPH.el
[ -f "$EL" ] || (cd "$ROOT" && python3 "$SHARED/gen_graphs.py" "$GRAPH")
OUT=$BENCH_WORK/centrality-$GRAPH.log
: > "$OUT"

echo "== C kernel (pr_kernel.c, 20 iterations, s/iter)" | tee -a "$OUT"
[ -x "$BENCH_WORK/pr_kernel" ] || gcc -O3 -march=native -fopenmp "$SHARED/pr_kernel.c" -o "$BENCH_WORK/pr_kernel" -lm
OMP_NUM_THREADS=$THREADS "$BENCH_WORK/pr_kernel" "$EL" --iters 8 2>&1 | grep -E 'RESULT.*threads='"$THREADS"' ' | tee -a "$OUT"

echo "== kolgraph kernel (CSR straight from the edge list)" | tee -a "$OUT"
(cd "$ROOT" && cargo bench --bench centrality_pagerank -- "$EL" --threads "$THREADS" --samples "$SAMPLES" --repeats 1) 2>/dev/null | grep '^KOLGRAPH' | tee -a "$OUT"

echo "== kolgraph CLI end to end (ingest through the property graph)" | tee -a "$OUT"
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/kolgraph
(cd "$ROOT" && cargo build --release --quiet) || true
N=$(python3 -c "import json;print(json.load(open('$BENCH_WORK/$GRAPH.meta.json'))['n'])")
TOL=$(python3 -c "print(1e-6/$N)")
timeout 300 /usr/bin/time -f "CLI_PEAK_KB=%M CLI_WALL_S=%e" "$BIN" -v --no-progress --threads "$THREADS" centrality "$EL" \
  --undirected --unweighted --algo pagerank --pr-tol "$TOL" --pr-max-iter 1000 --pr-precision fast --top 3 2>&1 | tee -a "$OUT" || true

echo "== peers PageRank (peers.py, L1 < 1e-6)" | tee -a "$OUT"
python3 "$SHARED/peers.py" "$EL" --tools networkit,igraph,rustworkx --ops pagerank --threads "$THREADS" --op-timeout 300 \
  --json "$BENCH_WORK/peers-pr-$GRAPH.json" 2>&1 | tail -n 12 | tee -a "$OUT"

echo "== NetworKit EstimateBetweenness, $SAMPLES samples" | tee -a "$OUT"
python3 - "$EL" "$THREADS" "$SAMPLES" <<'PY' 2>&1 | tee -a "$OUT" || true
import resource, sys, time
import networkit as nk
el, th, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
nk.setNumberOfThreads(th)
G = nk.readGraph(el, nk.Format.EdgeListSpaceZero, directed=False)
t = time.perf_counter()
b = nk.centrality.EstimateBetweenness(G, k, True, True)
b.run()
s = time.perf_counter() - t
print(f"NETWORKIT op=betweenness samples={k} seconds={s:.3f} peak_mib={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f}")
PY

python3 - "$OUT" "$BENCH_WORK/peers-pr-$GRAPH.json" <<'PY'
import json, re, sys
log = open(sys.argv[1]).read()
kv = lambda line: dict(re.findall(r"(\w+)=(\S+)", line))
kol = [kv(l) for l in log.splitlines() if l.startswith("KOLGRAPH op=pagerank")]
fast = [d for d in kol if d.get("precision") == "Fast"] or kol
kpr = min(float(d["seconds"]) for d in fast)
kit = int(fast[0]["iterations"])
kbc = [kv(l) for l in log.splitlines() if l.startswith("KOLGRAPH op=betweenness")]
nbc = [kv(l) for l in log.splitlines() if l.startswith("NETWORKIT op=betweenness")]
cli = [kv(l) for l in log.splitlines() if "CLI_PEAK_KB=" in l]
# C kernel: best of its variants (f32/f64 x file/degsort) at the thread count, scaled to kolgraph's iterations.
cvar = {}
for l in log.splitlines():
    m = re.match(r"RESULT pr order=(\S+)\s+type=(\S+) threads=\d+\s+([\d.]+) s/iter", l)
    if m:
        cvar[f"{m.group(2)} {m.group(1)}"] = float(m.group(3)) * kit
peers = {}
try:
    data = json.load(open(sys.argv[2]))
    for r in data["results"] if isinstance(data, dict) else data:
        op = r["ops"].get("pagerank", {})
        if "seconds" in op:
            peers[r["tool"]] = (op["seconds"], op.get("peak_mb"), op.get("info", {}).get("iterations"))
except Exception as e:
    print("could not read peers json:", e)
best = min((v[0] for v in peers.values()), default=float("nan"))
print(f"\n| operation | tool | seconds | iterations | peak RSS MiB | kolgraph / tool |")
print("|---|---|---:|---:|---:|---:|")
print(f"| PageRank L1<1e-6 | kolgraph kernel (fast, compute-only peak incl. CSR) | {kpr:.2f} | {kit} | {fast[0]['peak_mib']} | 1.00 |")
if cli:
    print(f"| PageRank L1<1e-6 | kolgraph CLI end to end (ingest included) | {cli[0]['CLI_WALL_S']} | - | {int(cli[0]['CLI_PEAK_KB']) // 1024} | - |")
for t, (s, pk, it) in sorted(peers.items(), key=lambda x: x[1][0]):
    print(f"| PageRank L1<1e-6 | {t} | {s:.2f} | {it or '?'} | {pk or '?'} | {kpr / s:.2f} |")
for name, s in sorted(cvar.items(), key=lambda x: x[1]):
    print(f"| PageRank x{kit} it | C kernel {name} | {s:.2f} | {kit} | - | {kpr / s:.2f} |")
if kbc:
    print(f"| betweenness, {kbc[0]['samples']} sources | kolgraph | {kbc[0]['seconds']} | - | {kbc[0]['peak_mib']} | 1.00 |")
if nbc:
    print(f"| betweenness, {nbc[0]['samples']} sources | NetworKit EstimateBetweenness | {nbc[0]['seconds']} | - | {nbc[0]['peak_mib']} | {float(kbc[0]['seconds']) / float(nbc[0]['seconds']):.2f} |")
print(f"\nratio kolgraph / best peer PageRank: {kpr / best:.2f}; kolgraph / best C variant: {kpr / min(cvar.values(), default=float('nan')):.2f}")
PY
