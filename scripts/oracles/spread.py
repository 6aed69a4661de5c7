#!/usr/bin/env python3
"""Extract the spread / small-world oracle values used by tests/spread_*.rs and
tests/smallworld_*.rs from the public fixtures in ../shared/data (see its README.md).

No new computation: the values were produced by the fixture authors with networkx 3.6.1,
python-igraph 1.0.0, numpy 2.4.6 and a compiled live-edge IC simulator (100,000 runs for the
top-10-PageRank IC spreads and the greedy prefix spreads, 20,000 runs per single-seed spread,
10,000 common-random-number samples for the greedy selection). This script copies the edge
lists and the needed JSON sections into tests/data/spread/ so the tests run without ../shared.

Tolerances applied by the tests (from the fixture README):
  clustering, transitivity, exact ASPL: |diff| <= 1e-9
  IC spread: |mean - oracle| <= 3 * sqrt(se_impl^2 + se_oracle^2) (issue bar; README says 4)
  greedy/CELF: our k-set re-evaluated >= 0.99 * oracle greedy prefix spread (issue bar)
  IMM: >= 0.97 * CELF's set spread
  sigma within +-25% and same side of 1; omega within +-0.15
Usage: python3 scripts/oracles/spread.py [../shared/data]
"""
import json
import shutil
import sys
from pathlib import Path

src = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
dst = Path(__file__).resolve().parents[2] / "tests" / "data" / "spread"
dst.mkdir(parents=True, exist_ok=True)
for name in ["karate", "football", "polbooks", "dolphins", "lesmis"]:
    shutil.copy(src / name / f"{name}.edges.tsv", dst / f"{name}.edges.tsv")
    d = json.loads((src / "oracles" / f"{name}.json").read_text())
    ic = d["independent_cascade"]
    im = d["influence_maximization"]
    ss = d["single_seed_spread_p0.1"]
    out = {
        "source": f"../shared/data/oracles/{name}.json (see scripts/oracles/spread.py)",
        "library_versions": d["library_versions"],
        "clustering": {k: d["clustering"][k] for k in ["average_clustering", "transitivity", "triangles"]},
        "shortest_paths": {k: d["shortest_paths"][k] for k in ["average_shortest_path_length", "diameter"]},
        "small_world": {"sigma": d["small_world"]["sigma"]["value"], "omega": d["small_world"]["omega"]["value"],
                        "calls": [d["small_world"]["sigma"]["call"], d["small_world"]["omega"]["call"]]},
        "ic": {"seeds": ic["seeds"],
               "p0.01": {k: ic["p=0.01"][k] for k in ["mean", "stderr", "runs"]},
               "p0.1": {k: ic["p=0.1"][k] for k in ["mean", "stderr", "runs"]}},
        "greedy": {"p": im["p"], "seed_set": im["seed_set"],
                   "prefix": [{"seeds": x["seeds"], "mean": x["spread"]["mean"], "stderr": x["spread"]["stderr"]}
                              for x in im["prefix_spreads_fresh_mc"]]},
        "single_seed_p0.1": ss["values"],
    }
    (dst / f"{name}.json").write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", dst / f"{name}.json")
