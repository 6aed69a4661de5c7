// Parameters for the kit: run these lines in the Browser (one per command) before the queries.
// `:param name => value` is evaluated by the server, so integers stay integers (the `:params {…}`
// map form turns numbers into floats; the queries cope with both via toInteger()).
// The integration test uses the same values (customerId is replaced by a node of the fixture graph).
:param topN => 25
:param limit => 300
:param community => 0
:param customerId => '33'
:param minImportance => 0.0
:param hops => 2
