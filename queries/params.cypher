// Parameters for the kit: paste into the Browser editor and run (one line), then run any query.
// The integration test uses the same values (customerId is replaced by a node of the fixture graph).
:params {topN: 25, community: 0, customerId: '1', hops: 2, minImportance: 0.0, limit: 300}
