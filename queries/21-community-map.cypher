// One community's map: its members and the interactions among them
// Purpose: look inside community $community (leaders are styled larger).
// Params: $community, $limit. Frame: graph.
MATCH (a:Account)-[:IN_COMMUNITY]->(k:Community {id: toInteger($community)})
WITH collect(a) AS members
UNWIND members AS a
MATCH (a)-[r]->(b:Account)
WHERE b IN members AND type(r) <> 'IN_COMMUNITY'
RETURN a, r, b
LIMIT toInteger($limit)
