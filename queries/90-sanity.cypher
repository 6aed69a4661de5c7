// Sanity: counts, accounts without id, relationships without count, last run
// Purpose: quick health check of an export.
// Params: none. Frame: table.
MATCH (n:Account)
WITH count(n) AS accounts, sum(CASE WHEN n.id IS NULL THEN 1 ELSE 0 END) AS missingId
OPTIONAL MATCH ()-[r]->()
WHERE NOT type(r) IN ['IN_COMMUNITY', 'LED_BY']
WITH accounts, missingId, count(r) AS interactions, sum(CASE WHEN r.count IS NULL THEN 1 ELSE 0 END) AS missingCount
OPTIONAL MATCH (a:AnalysisRun)
RETURN accounts, missingId, interactions, missingCount, count(a) AS runs, max(a.completedAt) AS lastRun
LIMIT 1
