// A leader's ego network: who interacts with $customerId, and with whom they interact (2 hops)
// Purpose: see a leader's circle and the tiers in it (style colours by tier label).
// Params: $customerId, $limit. Frame: graph.
MATCH (c:Account {id: $customerId})
OPTIONAL MATCH p = (c)-[*1..2]-(:Account)
WITH c, p LIMIT toInteger($limit)
RETURN c, p
