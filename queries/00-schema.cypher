// Schema: constraints and indexes kolgraph creates before any data (idempotent)
// Purpose: every node is (:Account {id}) with a kind label; MERGE needs the unique constraint
// (without it MERGE scans the label and parallel writers could create duplicates).
// Params: none. Frame: none (schema commands). `kolgraph export neo4j` runs exactly this file.
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT community_id IF NOT EXISTS FOR (c:Community) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT analysis_run_id IF NOT EXISTS FOR (r:AnalysisRun) REQUIRE r.id IS UNIQUE;
CREATE INDEX account_seq IF NOT EXISTS FOR (n:Account) ON (n.seq);
CREATE INDEX account_community IF NOT EXISTS FOR (n:Account) ON (n.community);
CREATE INDEX customer_id IF NOT EXISTS FOR (n:Customer) ON (n.id);
