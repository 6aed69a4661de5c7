// Campaign seeds and their reach: the selected seeds, their expected reach and direct audience
// Purpose: who to give the campaign to; expectedReach comes from the spread simulation.
// Params: $topN. Frame: table.
MATCH (s:Account)
WHERE s:CampaignSeed OR s.seedRank IS NOT NULL
OPTIONAL MATCH (fan:Account)-[]->(s)
WITH s, count(DISTINCT fan) AS directAudience
RETURN s.id AS id, s.name AS name, s.seedRank AS seedRank, s.expectedReach AS expectedReach,
       s.community AS community, directAudience
ORDER BY coalesce(s.seedRank, 1000000000), directAudience DESC, id
LIMIT toInteger($topN)
