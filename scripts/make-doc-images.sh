#!/usr/bin/env bash
# Regenerate the chart images shown in docs/charts.md (and the README's "What you get").
# With `kolgraph analyze` implemented and fixtures/community present, every chart comes from the
# full analysis of that fixture; otherwise `kolgraph report` draws the charts the graph alone
# supports from the public Les Misérables graph (tests/data/charts/lesmis.edges.tsv).
# Usage: scripts/make-doc-images.sh [path/to/kolgraph]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-${CARGO_TARGET_DIR:-target}/release/kolgraph}"
[[ -x "$bin" ]] || { cargo build --release; bin="${CARGO_TARGET_DIR:-target}/release/kolgraph"; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if [[ -d fixtures/community ]] && "$bin" analyze fixtures/community --out "$work/out" -q >/dev/null 2>&1; then
    src="$work/out"
else
    "$bin" report tests/data/charts/lesmis.edges.tsv --undirected --out "$work/out" -q >/dev/null
    src="$work/out"
fi
mkdir -p docs/img
for k in degree lorenz communities spread seeds quadrant rankshift smallworld ego; do
    if [[ -f "$src/$k.png" ]]; then cp "$src/$k.png" "docs/img/$k.png"; echo "docs/img/$k.png"; fi
done
