#!/usr/bin/env bash
# Install playwright-core (npm, no bundled browsers) into bench-work/ and run scripts/browser-check.mjs
# against the running dev server, with the karate club exported so the ego network has something to show.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p bench-work/pw docs/img
if [[ ! -d bench-work/pw/node_modules/playwright-core ]]; then
  (cd bench-work/pw && npm init -y >/dev/null && npm install --no-audit --no-fund playwright-core@1 >/dev/null)
fi
cargo run -q -- export neo4j tests/data/neo4j/karate.edges.tsv --undirected -q >/dev/null
NODE_PATH="$ROOT/bench-work/pw/node_modules" node --experimental-default-type=module scripts/browser-check.mjs "$@"
