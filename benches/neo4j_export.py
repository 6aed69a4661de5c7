#!/usr/bin/env python3
"""Neo4j export throughput: kolgraph (neo4rs, Bolt) vs the official Python driver doing the same
UNWIND batches, and the bulk path (kolgraph export neo4j-import + neo4j-admin database import).

Usage (dev server running, `scripts/neo4j-dev start`):
    python3 benches/neo4j_export.py [--interactions 1000000] [--nodes 100000] [--bin target/release/kolgraph]
        [--paths kolgraph,python,bulk] [--lock /work/bench.lock]

Each path (clear + timed run) holds the machine-wide benchmark lock (flock) on its own, so the three
run back to back in one invocation without holding the lock for the whole run.

Same input for all three: a seeded random directed edge list (one interaction per line, kind
"mention"), written to bench-work/. Each Bolt run starts from an empty database (schema kept) and
writes --graph-only (nodes + relationships), so kolgraph takes its CREATE path. The Python run sends
kolgraph's exact statements and row maps with the same batch sizes and concurrency (nodes: 10k rows,
4 threads; relationships: 5k rows in the same node-disjoint lanes, 2 threads). The bulk path writes
the CSVs and imports them into a throw-away store (NEO4J_DEV_HOME of its own), server not needed.
Prints a markdown table; neo4j python driver version, Neo4j 5.26.29.
"""
import argparse, os, random, re, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def gen(path, n, m, seed=7):
    rnd = random.Random(seed)
    with open(path, "w") as f:
        for _ in range(m):
            f.write(f"{rnd.randrange(n)}\t{rnd.randrange(n)}\n")


def parse_ms(text):
    """'1s 894ms' / '949ms' / '1m 2s 3ms' (the importer's durations) -> seconds."""
    unit = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    return sum(float(v) * unit[u] for v, u in re.findall(r"(\d+)(ms|h|m|s)\b", text))


def clear(drv):
    with drv.session() as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def count(drv, q):
    with drv.session() as s:
        return s.run(q).single()[0]


def lane_schedule(items, p, ends):
    """Same node-disjoint lanes as kolgraph's `neo4j::export::lane_schedule` (groups node % p,
    diagonal round, then a round-robin tournament of group pairs)."""
    buckets = [[] for _ in range(p * p)]
    for it in items:
        s, t = ends(it)
        buckets[(s % p) * p + t % p].append(it)
    plan = [[[(a, a)] for a in range(p)]]
    for r in range(p - 1):
        lanes = [[(r, p - 1), (p - 1, r)]]
        for k in range(1, p // 2):
            a, b = (r + k) % (p - 1), (r + p - 1 - k) % (p - 1)
            lanes.append([(a, b), (b, a)])
        plan.append(lanes)
    rounds = []
    for lanes in plan:
        rnd = [sum((buckets[a * p + b] for a, b in lane), []) for lane in lanes]
        rnd = [l for l in rnd if l]
        if rnd:
            rounds.append(rnd)
    return rounds


NODE_CREATE = "UNWIND $rows AS r CREATE (n:Account:Customer {id: r.id}) SET n += r.p"
REL_CREATE = ("UNWIND $rows AS r MATCH (a:Account {id: r.s}) MATCH (b:Account {id: r.t}) "
              "CREATE (a)-[e:MENTIONED]->(b) SET e += r.p")


def python_export(drv, path, writers=4, rel_writers=2, batch=10000, rel_batch=5000):
    """kolgraph's fresh-database path with the official driver: the same statements, the same row
    maps (nulls included), batch sizes, node writers and relationship lanes."""
    ids, pos, pairs = [], {}, {}
    with open(path) as f:
        for line in f:
            a, b = line.split()
            for x in (a, b):
                if x not in pos:
                    pos[x] = len(ids); ids.append(x)
            pairs[(a, b)] = pairs.get((a, b), 0) + 1
    t0 = time.perf_counter()

    def write_nodes(chunk):
        rows = [{"id": x, "p": {"kind": "customer", "seq": pos[x], "name": None, "segment": None,
                                "joinedAt": None, "handles": []}} for x in chunk]
        with drv.session() as s:
            s.execute_write(lambda tx: tx.run(NODE_CREATE, rows=rows).consume())

    with ThreadPoolExecutor(writers) as ex:
        list(ex.map(write_nodes, [ids[i:i + batch] for i in range(0, len(ids), batch)]))
    t1 = time.perf_counter()
    items = list(pairs.items())
    rounds = lane_schedule(range(len(items)), 2 * rel_writers,
                           lambda i: (pos[items[i][0][0]], pos[items[i][0][1]]))

    def write_lane(lane):
        with drv.session() as s:
            for i in range(0, len(lane), rel_batch):
                rows = [{"s": items[k][0][0], "t": items[k][0][1],
                         "p": {"count": items[k][1], "weight": float(items[k][1]), "firstTs": None,
                               "lastTs": None, "sentiment": None, "sentimentSum": None,
                               "sentimentN": 0, "platforms": [], "firstAt": None, "lastAt": None}}
                        for k in lane[i:i + rel_batch]]
                s.execute_write(lambda tx: tx.run(REL_CREATE, rows=rows).consume())

    with ThreadPoolExecutor(rel_writers) as ex:
        for rnd in rounds:
            list(ex.map(write_lane, rnd))
    t2 = time.perf_counter()
    return len(ids), len(items), t1 - t0, t2 - t1


class Lock:
    """The machine-wide benchmark lock, held only while a path is cleared and timed. With `boost`,
    the autogroups of this process and of the server get that nice value while the lock is held
    (Linux autogroups make nice values of other sessions' builds ineffective against a nice-0
    benchmark; see benches/README.md), and nice 0 again afterwards."""

    def __init__(self, path, boost=None, server_pid=None):
        self.path, self.boost, self.server_pid = path, boost, server_pid

    def _nice(self, v):
        for pid in ("self", self.server_pid):
            if pid:
                try:
                    with open(f"/proc/{pid}/autogroup", "w") as f:
                        f.write(str(v))
                except OSError as e:
                    print(f"autogroup nice for {pid}: {e}", file=sys.stderr)

    def __enter__(self):
        if self.path:
            import fcntl
            self.f = open(self.path, "a")
            fcntl.flock(self.f, fcntl.LOCK_EX)
        if self.boost is not None:
            self._nice(self.boost)
        return self

    def __exit__(self, *a):
        if self.boost is not None:
            self._nice(0)
        if self.path:
            self.f.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interactions", type=int, default=1_000_000)
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "kolgraph"))
    ap.add_argument("--uri", default="bolt://127.0.0.1:7687")
    ap.add_argument("--lock", default="/work/bench.lock", help="flock file held per timed path ('' = none)")
    ap.add_argument("--paths", default="kolgraph,python,bulk")
    ap.add_argument("--boost-autogroup", type=int, default=None, metavar="NICE",
                    help="autogroup nice for this process and the server while the lock is held (e.g. -10)")
    ap.add_argument("--server-pid", default=None, help="dev server pid (for --boost-autogroup)")
    a = ap.parse_args()
    paths = a.paths.split(",")
    from neo4j import GraphDatabase, __version__ as drv_version
    work = os.path.join(ROOT, "bench-work")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, f"neo4j_bench_{a.nodes}_{a.interactions}.edges")
    if not os.path.exists(path):
        gen(path, a.nodes, a.interactions)
    drv = GraphDatabase.driver(a.uri, auth=("neo4j", "unused"))  # lazy: bulk-only runs need no server
    rows = []
    n = m = 0
    import json

    if "kolgraph" in paths:
        with Lock(a.lock, a.boost_autogroup, a.server_pid):
            clear(drv)
            t = time.perf_counter()
            out = subprocess.run([a.bin, "export", "neo4j", path, "--uri", a.uri, "--graph-only", "-q"],
                                 check=True, capture_output=True, text=True).stdout
            wall = time.perf_counter() - t
        s = json.loads(out.strip().splitlines()[-1])
        n, m = s["nodes"], s["relationships"]
        nodes_k, rels_k = count(drv, "MATCH (n:Account) RETURN count(n)"), count(drv, "MATCH ()-[r]->() RETURN count(r)")
        mode = "CREATE" if s.get("created") else "MERGE"
        rows.append((f"kolgraph export neo4j (neo4rs 0.8, {mode})", n, m, s["node_secs"], s["rel_secs"], wall))
        assert (nodes_k, rels_k) == (n, m), (nodes_k, rels_k, s)

    if "python" in paths:
        with Lock(a.lock, a.boost_autogroup, a.server_pid):
            clear(drv)
            t = time.perf_counter()
            n, m, tn, tr = python_export(drv, path)
            wall = time.perf_counter() - t
        assert count(drv, "MATCH (n:Account) RETURN count(n)") == n
        assert count(drv, "MATCH ()-[r]->() RETURN count(r)") == m
        rows.append((f"python neo4j {drv_version} (same statements, batches, lanes)", n, m, tn, tr, wall))

    if "bulk" in paths:
        # Bulk: CSVs + neo4j-admin import into a scratch store (`scripts/neo4j-dev import DIR` runs
        # the arguments kolgraph wrote to DIR/IMPORT.args: --id-type=actual; JIT flags by input size).
        with tempfile.TemporaryDirectory(dir=work) as tmp, Lock(a.lock, a.boost_autogroup, a.server_pid):
            csv = os.path.join(tmp, "csv")
            t = time.perf_counter()
            subprocess.run([a.bin, "export", "neo4j-import", path, csv, "--graph-only", "-q"], check=True)
            t_csv = time.perf_counter() - t
            env = dict(os.environ, NEO4J_DEV_HOME=os.path.join(tmp, "home"))
            t = time.perf_counter()
            imp = subprocess.run([os.path.join(ROOT, "scripts/neo4j-dev"), "import", csv],
                                 check=True, env=env, capture_output=True, text=True).stdout
            t_imp = time.perf_counter() - t
        phases = {k: parse_ms(v) for k, v in re.findall(r"^(\S[\w ]+?) COMPLETED in (.+)$", imp, re.M)}
        done = re.search(r"IMPORT DONE in (.+?)\. ", imp)
        t_done = parse_ms(done.group(1)) if done else float("nan")
        nb = int(re.search(r"(\d+) nodes", imp).group(1))
        mb = int(re.search(r"(\d+) relationships", imp).group(1))
        if n or m:
            assert (nb, mb) == (n, m), (nb, mb, n, m)
        n, m = nb, mb
        print("bulk: csv %.2fs, neo4j-admin %.2fs = import %.2fs (%s) + JVM start-up/exit %.2fs"
              % (t_csv, t_imp, t_done, ", ".join(f"{k} {v:.2f}" for k, v in phases.items()), t_imp - t_done))
        rows.append((f"kolgraph export neo4j-import ({t_csv:.1f}s) + neo4j-admin import ({t_imp:.1f}s)",
                     n, m, None, None, t_csv + t_imp))
    drv.close()

    print(f"\ninput: {a.interactions} interactions, {n} nodes, {m} distinct pairs ({path})\n")
    print("| path | nodes | rels | nodes/s | rels/s | wall s | total rows/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n_, m_, tn, tr, wall in rows:
        nps = f"{n_ / tn:,.0f}" if tn else "-"
        rps = f"{m_ / tr:,.0f}" if tr else "-"
        print(f"| {name} | {n_} | {m_} | {nps} | {rps} | {wall:.1f} | {(n_ + m_) / wall:,.0f} |")
    by = {r[0].split()[0] + ("-bulk" if "import" in r[0] else ""): r for r in rows}
    bolt = [r for k, r in by.items() if not k.endswith("-bulk")]
    if "kolgraph" in by and "python" in by:
        k, p = by["kolgraph"], by["python"]
        print(f"\nkolgraph/python: wall {k[5] / p[5]:.2f}, node phase {k[3] / p[3]:.2f}, rel phase {k[4] / p[4]:.2f} (< 1 = kolgraph faster)")
    if bolt and "kolgraph-bulk" in by:
        print(f"bulk speed-up vs fastest Bolt path (wall): {min(r[5] for r in bolt) / by['kolgraph-bulk'][5]:.1f}x")


if __name__ == "__main__":
    sys.exit(main())
