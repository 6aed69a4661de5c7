#!/usr/bin/env python3
"""Oracle for the chart statistics (tests/charts_oracle.rs).

Writes tests/data/charts/ba3000.degrees.txt (degrees of networkx.barabasi_albert_graph(3000, 2,
seed=7)) and tests/data/charts/ba3000.oracle.json with:
  * the discrete power-law fit of Clauset, Shalizi & Newman (2009): for every candidate x_min
    with >= 10 values at or above it (and two distinct values), alpha maximises
    -n ln zeta(alpha, x_min) - alpha sum ln x  (scipy.special.zeta = Hurwitz zeta, bounded
    Brent on [1.0001, 12]), and the x_min with the smallest KS distance wins;
  * the Lorenz summary of the degrees used as scores: Gini (trapezoids), top 1% / 10% shares.
Versions used: Python 3, networkx 3.6.1, numpy 2.4.6, scipy 1.17.1.
Tolerances in the test: alpha 1e-4 (both optimisers stop well below), x_min exact, KS 1e-6,
Gini and shares 1e-12.
"""
import json, math, os
import networkx as nx
import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import zeta

here = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "charts")
g = nx.barabasi_albert_graph(3000, 2, seed=7)
deg = [d for _, d in sorted(g.degree())]
with open(os.path.join(here, "ba3000.degrees.txt"), "w") as f:
    f.write("\n".join(map(str, deg)) + "\n")

x = np.array(sorted(d for d in deg if d > 0), dtype=float)
uniq = np.unique(x)
best = None
for xmin in uniq[:-1]:
    tail = x[x >= xmin]
    if len(tail) < 10:
        break
    n, s = len(tail), np.log(tail).sum()
    res = minimize_scalar(lambda a: n * math.log(zeta(a, xmin)) + a * s,
                          bounds=(1.0001, 12), method="bounded", options={"xatol": 1e-10})
    a = res.x
    z0 = zeta(a, xmin)
    ks = 0.0
    for u in np.unique(tail):
        emp = (tail <= u).sum() / n
        model = 1 - zeta(a, u + 1) / z0
        ks = max(ks, abs(emp - model))
    if best is None or ks < best["ks"]:
        best = {"alpha": a, "x_min": int(xmin), "x_max": int(x.max()), "n_tail": int(n), "ks": ks}

s = np.sort(np.array(deg, dtype=float))
cum = np.concatenate([[0.0], np.cumsum(s) / s.sum()])
n = len(s)
gini = 1 - 2 * sum((cum[i] + cum[i - 1]) / (2 * n) for i in range(1, n + 1))
top = lambda p: 1 - cum[n - max(1, math.ceil(n * p))]
out = {"power_law": best, "lorenz": {"gini": gini, "top1_share": top(0.01), "top10_share": top(0.10)}}
with open(os.path.join(here, "ba3000.oracle.json"), "w") as f:
    json.dump(out, f, indent=2)
print(json.dumps(out, indent=2))
