#!/usr/bin/env python3
# interactions.csv (customer/account ids) -> directed integer edge list "source target", deduplicated pairs
import sys
src = sys.argv[1]; out = sys.argv[2]
ids = {}
def nid(x):
    if x[0] == 'c' and x[1:].isdigit():
        return int(x[1:])
    if x not in ids:
        ids[x] = 1_000_000 + len(ids)
    return ids[x]
pairs = set()
with open(src) as f:
    next(f)
    for line in f:
        a, b, _ = line.split(',', 2)
        if a != b:
            pairs.add((nid(a), nid(b)))
with open(out, 'w') as o:
    o.write('# directed interaction pairs from %s\n' % src)
    for a, b in sorted(pairs):
        o.write('%d %d\n' % (a, b))
print(len(pairs), 'pairs', len(ids), 'accounts')
