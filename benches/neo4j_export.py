#!/usr/bin/env python3
"""Neo4j export throughput: kolgraph (neo4rs, Bolt) vs the official Python driver doing the same
UNWIND batches, and the bulk path (kolgraph export neo4j-import + neo4j-admin database import).

Usage (dev server running, `scripts/neo4j-dev start`):
    python3 benches/neo4j_export.py [--interactions 1000000] [--nodes 100000] [--bin target/release/kolgraph]

Same input for all three: a seeded random directed edge list (one interaction per line, kind
"mention"), written to bench-work/. Each Bolt run starts from an empty database (schema kept) and
writes --graph-only (nodes + relationships). The Python run uses kolgraph's exact statements and
batch sizes (nodes: 10k rows, 4 threads; relationships: 5k rows, one writer). The bulk path writes
the CSVs and imports them into a throw-away store (NEO4J_DEV_HOME of its own), server not needed.
Prints a markdown table; neo4j python driver version, Neo4j 5.26.29.
"""
import argparse, os, random, subprocess, sys, tempfile, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def gen(path, n, m, seed=7):
    rnd = random.Random(seed)
    with open(path, "w") as f:
        for _ in range(m):
            f.write(f"{rnd.randrange(n)}\t{rnd.randrange(n)}\n")


def clear(drv):
    with drv.session() as s:
        s.run("MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 20000 ROWS").consume()


def count(drv, q):
    with drv.session() as s:
        return s.run(q).single()[0]


def python_export(drv, path):
    # Aggregate like kolgraph: one relationship per ordered pair, count = parallel lines.
    ids, seen, pairs = [], set(), {}
    with open(path) as f:
        for line in f:
            a, b = line.split()
            for x in (a, b):
                if x not in seen:
                    seen.add(x); ids.append(x)
            pairs[(a, b)] = pairs.get((a, b), 0) + 1
    node_q = ("UNWIND $rows AS r MERGE (n:Account {id: r.id}) SET n:Customer, n += r.p "
              "REMOVE n:Brand:Staff")
    rel_q = ("UNWIND $rows AS r MATCH (a:Account {id: r.s}) MATCH (b:Account {id: r.t}) "
             "MERGE (a)-[e:MENTIONED]->(b) SET e += r.p")
    t0 = time.perf_counter()
    batches = [ids[i:i + 10000] for i in range(0, len(ids), 10000)]

    def write_nodes(batch):
        rows = [{"id": x, "p": {"kind": "customer", "seq": ids_pos[x], "handles": []}} for x in batch]
        with drv.session() as s:
            s.execute_write(lambda tx: tx.run(node_q, rows=rows).consume())

    ids_pos = {x: i for i, x in enumerate(ids)}
    with ThreadPoolExecutor(4) as ex:
        list(ex.map(write_nodes, batches))
    t1 = time.perf_counter()
    items = list(pairs.items())
    with drv.session() as s:
        for i in range(0, len(items), 5000):
            rows = [{"s": a, "t": b, "p": {"count": c, "weight": float(c), "sentimentN": 0, "platforms": []}}
                    for (a, b), c in items[i:i + 5000]]
            s.execute_write(lambda tx: tx.run(rel_q, rows=rows).consume())
    t2 = time.perf_counter()
    return len(ids), len(items), t1 - t0, t2 - t1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interactions", type=int, default=1_000_000)
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "kolgraph"))
    ap.add_argument("--uri", default="bolt://127.0.0.1:7687")
    a = ap.parse_args()
    from neo4j import GraphDatabase, __version__ as drv_version
    work = os.path.join(ROOT, "bench-work")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, f"neo4j_bench_{a.nodes}_{a.interactions}.edges")
    if not os.path.exists(path):
        gen(path, a.nodes, a.interactions)
    drv = GraphDatabase.driver(a.uri, auth=("neo4j", "unused"))
    rows = []

    # kolgraph over Bolt
    clear(drv)
    t = time.perf_counter()
    out = subprocess.run([a.bin, "export", "neo4j", path, "--uri", a.uri, "--graph-only", "-q"],
                         check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t
    import json
    s = json.loads(out.strip().splitlines()[-1])
    nodes_k, rels_k = count(drv, "MATCH (n:Account) RETURN count(n)"), count(drv, "MATCH ()-[r]->() RETURN count(r)")
    rows.append(("kolgraph export neo4j (neo4rs 0.8)", s["nodes"], s["relationships"], s["node_secs"], s["rel_secs"], wall))
    assert (nodes_k, rels_k) == (s["nodes"], s["relationships"]), (nodes_k, rels_k, s)

    # Python driver, same statements and batches
    clear(drv)
    t = time.perf_counter()
    n, m, tn, tr = python_export(drv, path)
    wall = time.perf_counter() - t
    assert count(drv, "MATCH ()-[r]->() RETURN count(r)") == m
    rows.append((f"python neo4j {drv_version} (same UNWIND batches)", n, m, tn, tr, wall))

    # Bulk: CSVs + neo4j-admin import into a scratch store
    with tempfile.TemporaryDirectory() as tmp:
        csv = os.path.join(tmp, "csv")
        t = time.perf_counter()
        subprocess.run([a.bin, "export", "neo4j-import", path, csv, "--graph-only", "-q"], check=True)
        t_csv = time.perf_counter() - t
        env = dict(os.environ, NEO4J_DEV_HOME=os.path.join(tmp, "home"))
        t = time.perf_counter()
        subprocess.run([os.path.join(ROOT, "scripts/neo4j-dev"), "admin", "database", "import", "full", "neo4j",
                        "--overwrite-destination", "--nodes=accounts_header.csv,accounts.csv",
                        "--relationships=interactions_header.csv,interactions.csv"],
                       check=True, cwd=csv, env=env, capture_output=True)
        t_imp = time.perf_counter() - t
    rows.append(("kolgraph export neo4j-import + neo4j-admin import", n, m, None, None, t_csv + t_imp))
    drv.close()

    print(f"\ninput: {a.interactions} interactions, {n} nodes, {m} distinct pairs ({path})\n")
    print("| path | nodes | rels | nodes/s | rels/s | wall s | total rows/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, n_, m_, tn, tr, wall in rows:
        nps = f"{n_ / tn:,.0f}" if tn else "-"
        rps = f"{m_ / tr:,.0f}" if tr else "-"
        print(f"| {name} | {n_} | {m_} | {nps} | {rps} | {wall:.1f} | {(n_ + m_) / wall:,.0f} |")
    bolt_best = min(r[5] for r in rows[:2])
    print(f"\nbulk speed-up vs fastest Bolt path: {bolt_best / rows[2][5]:.1f}x; kolgraph/python wall: {rows[0][5] / rows[1][5]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
