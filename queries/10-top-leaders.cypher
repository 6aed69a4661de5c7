// Top opinion leaders: who moves the community, with their direct audience
// Purpose: the customers to talk to first (highest importance, then PageRank).
// Params: $topN. Frame: table.
MATCH (c:Customer)
WITH c ORDER BY coalesce(c.importance, c.pagerank, toFloat(c.interactionsIn), 0.0) DESC, c.id LIMIT toInteger($topN)
OPTIONAL MATCH (fan:Account)-[r]->(c)
WITH c, count(DISTINCT fan) AS audience, sum(r.count) AS interactionsReceived
RETURN c.id AS id, c.name AS name, c.rank AS rank, c.importance AS importance, c.pagerank AS pagerank,
       c.role AS role, c.community AS community, audience, interactionsReceived,
       c:OpinionLeader AS opinionLeader
ORDER BY coalesce(c.importance, c.pagerank, toFloat(c.interactionsIn), 0.0) DESC, id
LIMIT toInteger($topN)
