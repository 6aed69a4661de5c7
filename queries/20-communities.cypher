// Communities: size, type, brand-centricity and leaders
// Purpose: which groups exist, which are brand-led, who leads them.
// Params: $topN. Frame: table.
MATCH (k:Community)
OPTIONAL MATCH (k)-[l:LED_BY]->(leader:Account)
WITH k, leader ORDER BY k.id, l.rank
WITH k, collect(leader.id)[..5] AS leaders
OPTIONAL MATCH (m:Account)-[:IN_COMMUNITY]->(k)
WITH k, leaders, count(m) AS members, sum(CASE WHEN m:Brand OR m:Staff THEN 1 ELSE 0 END) AS brandAccounts
RETURN k.id AS community, members, k.type AS type, k.brandCentricity AS brandCentricity,
       brandAccounts, leaders
ORDER BY members DESC, community
LIMIT toInteger($topN)
