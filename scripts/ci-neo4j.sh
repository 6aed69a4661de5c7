#!/usr/bin/env bash
# CI steps for the Neo4j part of kolgraph (called from .ci/run). Needs network access to Maven
# Central on the first run (cache .m2repo/ between runs), a JDK 17 (or 21) and curl.
#
#   scripts/ci-neo4j.sh            install, start a fresh dev server, run the live tests, stop it
#   BROWSER_CHECK=1 scripts/ci-neo4j.sh   also run the headless-Chromium check (scripts/browser-check.mjs)
#
# The live tests run with KOLGRAPH_REQUIRE_NEO4J=1: a test that cannot reach Neo4j FAILS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# 1. Install: Java 17 + Maven (Debian packages), then resolve the Neo4j jars from Maven Central.
if ! command -v mvn >/dev/null || ! ls /usr/lib/jvm/java-17-openjdk-* >/dev/null 2>&1; then
  apt-get update -q && apt-get install -y -q openjdk-17-jdk-headless maven curl
fi
if [[ "${BROWSER_CHECK:-0}" == 1 ]] && ! command -v chromium >/dev/null; then
  apt-get update -q && apt-get install -y -q chromium nodejs npm
fi

# 2. Start a fresh server (new store in a temp dir, auth off) and always stop it; a temp store
#    made here is removed afterwards (each one holds ~0.5 GB of jars and store files).
if [[ -z "${NEO4J_DEV_HOME:-}" ]]; then
  NEO4J_DEV_HOME="$(mktemp -d /tmp/kolgraph-neo4j.XXXXXX)"
  trap 'scripts/neo4j-dev stop || true; rm -rf "$NEO4J_DEV_HOME"' EXIT
else
  trap 'scripts/neo4j-dev stop || true' EXIT
fi
export NEO4J_DEV_HOME
scripts/neo4j-dev start

# 3. Live tests (serial: they share the one Community database; some kill/restart the server).
export NEO4J_TEST_URI=bolt://127.0.0.1:${NEO4J_DEV_BOLT_PORT:-7687}
export KOLGRAPH_REQUIRE_NEO4J=1
cargo test --test neo4j_it -- --test-threads=1

# 4. Optional real-browser check (screenshot into docs/img/).
if [[ "${BROWSER_CHECK:-0}" == 1 ]]; then
  scripts/browser-check.sh
fi
