// Negative word-of-mouth risk: detractors (or negative-sentiment ties) and who hears them
// Purpose: where a complaint could spread. Word of mouth goes from the target back to those who
// acted on it, so a detractor's audience is the accounts with relationships INTO the detractor.
// Params: $topN. Frame: table.
MATCH (d:Account)
OPTIONAL MATCH (d)-[o]->()
WITH d, avg(o.sentiment) AS meanSentimentOut
WHERE d:Detractor OR meanSentimentOut < 0
OPTIONAL MATCH (listener:Account)-[]->(d)
WITH d, meanSentimentOut, count(DISTINCT listener) AS audience
RETURN d.id AS id, d.name AS name, meanSentimentOut, audience, d.importance AS importance,
       d.community AS community, d:Detractor AS flaggedDetractor
ORDER BY audience DESC, id
LIMIT toInteger($topN)
