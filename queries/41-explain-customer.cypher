// Explain one customer: every score, tier and the strongest ties of $customerId
// Purpose: why a customer ranks where they rank.
// Params: $customerId. Frame: table.
MATCH (c:Account {id: $customerId})
OPTIONAL MATCH (c)-[out]->(t:Account)
WITH c, t, out ORDER BY out.weight DESC LIMIT 10
WITH c, collect(t.id + ' (' + type(out) + ' x' + toString(out.count) + ')') AS actsOn
OPTIONAL MATCH (s:Account)-[inc]->(c)
WITH c, actsOn, s, inc ORDER BY inc.weight DESC LIMIT 10
WITH c, actsOn, collect(s.id + ' (' + type(inc) + ' x' + toString(inc.count) + ')') AS actedOnBy
RETURN c.id AS id, c.name AS name, [l IN labels(c) WHERE l <> 'Account'] AS tiers,
       c.rank AS rank, c.importance AS importance, c.purchaseValue AS purchaseValue,
       c.networkValue AS networkValue, c.pagerank AS pagerank, c.leaderrank AS leaderrank,
       c.betweenness AS betweenness, c.core AS core, c.community AS community, c.role AS role,
       c.lifecycle AS lifecycle, c.inDegree AS inDegree, c.outDegree AS outDegree,
       actsOn, actedOnBy
LIMIT 1
