// Importance quadrant: purchase value versus network value
// Purpose: find hidden influencers (low spend, high network value) and quiet big spenders.
// Params: $minImportance, $limit. Frame: table.
MATCH (c:Customer)
WHERE coalesce(c.importance, 0.0) >= $minImportance
WITH c, coalesce(c.purchaseValue, 0.0) AS pv, coalesce(c.networkValue, 0.0) AS nv
RETURN c.id AS id, c.name AS name, pv AS purchaseValue, nv AS networkValue, c.importance AS importance,
       CASE WHEN pv >= 0.5 AND nv >= 0.5 THEN 'champion'
            WHEN nv >= 0.5 THEN 'hidden influencer'
            WHEN pv >= 0.5 THEN 'quiet spender'
            ELSE 'long tail' END AS quadrant
ORDER BY coalesce(c.importance, 0.0) DESC, id
LIMIT toInteger($limit)
