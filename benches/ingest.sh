#!/usr/bin/env bash
# Ingest benchmark: generate a 10M-interaction dataset (once) and load it with the release
# binary, printing rows/s (wall and CPU), peak RSS and CSR bytes per directed edge.
#
#   benches/ingest.sh [ROWS] [CUSTOMERS] [THREADS]      (defaults 10000000 1000000 2)
#   DIR=bench-work/gen50m benches/ingest.sh 50000000    (use an existing dataset folder)
#   benches/ingest.sh edgelist [GRAPH] [THREADS]         (default bench-work/rmat20.el, 2):
#       wall and peak RSS of `centrality --algo pagerank` and `communities --method leiden` on a
#       plain undirected edge list (the whole process: parse, edge table, CSR, algorithm).
#
# Needs /usr/bin/time (GNU). Inputs go to bench-work/ (git-ignored). Run it under
# `flock /work/bench.lock` on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "edgelist" ]; then
  GRAPH=${2:-bench-work/rmat20.el}
  THREADS=${3:-2}
  BIN=${KOLGRAPH_BIN:-${CARGO_TARGET_DIR:-target}/release/kolgraph}
  OUT=$(mktemp -d)
  for op in "centrality --algo pagerank" "communities --method leiden"; do
    # shellcheck disable=SC2086
    /usr/bin/time -v "$BIN" --threads "$THREADS" $op "$GRAPH" --undirected --no-progress \
      --format csv -o "$OUT/out.csv" 2> "$OUT/err.txt" >/dev/null
    wall=$(grep -o 'Elapsed (wall clock) time (h:mm:ss or m:ss): .*' "$OUT/err.txt" | awk '{print $NF}')
    rss=$(grep -o 'Maximum resident set size (kbytes): [0-9]*' "$OUT/err.txt" | awk '{print $NF}')
    printf '%-28s wall %8s  peak RSS %6d MiB\n' "${op%% *} ${op##* }" "$wall" $((rss / 1024))
  done
  rm -rf "$OUT"
  exit 0
fi
ROWS=${1:-10000000}
CUSTOMERS=${2:-1000000}
THREADS=${3:-2}
BIN=${KOLGRAPH_BIN:-${CARGO_TARGET_DIR:-target}/release/kolgraph}
[ -x "$BIN" ] || cargo build --release
DIR=${DIR:-bench-work/ingest-$ROWS}
if [ ! -f "$DIR/interactions.csv" ]; then
  echo "generating $ROWS interactions, $CUSTOMERS customers into $DIR ..." >&2
  "$BIN" generate --customers "$CUSTOMERS" --interactions "$ROWS" --brands 20 --seed 1 --out "$DIR" -q >/dev/null
fi
OUT=$(mktemp -d)
KOLGRAPH_INGEST_TIMES=1 /usr/bin/time -v "$BIN" --threads "$THREADS" stats "$DIR" -v --no-progress --format json -o "$OUT/stats.json" 2> "$OUT/err.txt"
python3 - "$OUT" "$ROWS" <<'PY'
import json, re, sys
out, rows = sys.argv[1], int(sys.argv[2])
err = open(f"{out}/err.txt").read()
s = json.load(open(f"{out}/stats.json"))["stats"]
m = re.search(r"ingest: .* in ([0-9.]+)(ms|s)", err)
ingest_s = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", err).group(1)
parts = [float(x) for x in wall.split(":")]
wall_s = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
user = float(re.search(r"User time \(seconds\): ([0-9.]+)", err).group(1))
sys_ = float(re.search(r"System time \(seconds\): ([0-9.]+)", err).group(1))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
tx = s["transactions"]
print(f"interaction rows            {rows}")
print(f"transactions                {tx}")
print(f"nodes / directed edges      {s['nodes']} / {s['edges']}")
print(f"ingest wall time            {ingest_s:.2f} s  -> {rows / ingest_s / 1e6:.2f} M interaction rows/s")
print(f"whole run wall / CPU        {wall_s:.2f} s / {user + sys_:.2f} s (user+sys, includes stats)")
print(f"rows/s per CPU-second       {rows / (user + sys_) / 1e6:.2f} M (upper bound if the machine were idle)")
print(f"peak RSS                    {rss / 1024:.0f} MiB")
print(f"CSR bytes/edge (out+in)     {s['csr_bytes_per_edge']:.2f} incl. offsets, {s['csr_adjacency_bytes_per_edge']:.2f} adjacency only")
print(f"edge table bytes/pair       {s.get('edge_store_bytes_per_pair', float('nan')):.2f} (all aggregated edge properties, offsets included)")
print(f"rejected rows               {s['rejected']}")
for line in re.findall(r"^ingest (\w+): (\d+) rows, ([0-9.]+) s since start$", err, re.M):
    print(f"  file {line[0]:<14} {int(line[1]):>10} rows, done at {float(line[2]):6.2f} s")
PY
rm -rf "$OUT"
