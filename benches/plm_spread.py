#!/usr/bin/env python3
"""Spread of NetworKit PLM's time and modularity over repeated runs on one graph.

PLM is not deterministic with several threads, so "modularity at least PLM's" (issue 4) is read
against this spread. Same settings and reader as /work/shared/bench/peers.py (`../shared/bench`).

    python3 benches/plm_spread.py bench-work/lfr100k.el [RUNS=8] [THREADS=2]
"""
import sys
import time

import networkit as nk

el = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 8
nk.setNumberOfThreads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
G = nk.graphio.EdgeListReader(" ", 0, "#", True, False).read(el)
for _ in range(runs):
    t = time.perf_counter()
    plm = nk.community.PLM(G, refine=False, gamma=1.0, par="balanced", maxIter=32, turbo=True, recurse=True)
    plm.run()
    dt = time.perf_counter() - t
    q = nk.community.Modularity().getQuality(plm.getPartition(), G)
    print(f"{dt:.3f} s  Q={q:.7f}  communities={plm.getPartition().numberOfSubsets()}")
