// Overview: accounts per kind and tier, interactions per type, latest analysis run
// Purpose: first look after an export; checks that everything arrived.
// Params: none. Frame: table.
CALL {
  MATCH (n:Account)
  UNWIND [l IN labels(n) WHERE l <> 'Account'] AS label
  RETURN 'label' AS what, label AS name, count(*) AS n
  UNION ALL
  MATCH ()-[r]->()
  RETURN 'relationship' AS what, type(r) AS name, count(*) AS n
  UNION ALL
  MATCH (a:AnalysisRun)
  WITH a ORDER BY a.completedAt DESC LIMIT 1
  RETURN 'analysis run' AS what, a.id + ' ' + a.command + ' ' + toString(a.completedAt) AS name, a.nodes AS n
}
RETURN what, name, n ORDER BY what, n DESC LIMIT 100
