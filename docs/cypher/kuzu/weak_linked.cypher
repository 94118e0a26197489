// weak-linked in Kùzu's dialect: docs/cypher/weak_linked.cypher is the Neo4j original.
// Differences: `* SHORTEST 1..4 (l, n | WHERE ...)` instead of SHORTEST 1 and a quantified
// relationship `{1,4}` with an inline WHERE; properties(nodes(p), 'id') instead of a list comprehension.
MATCH p = (w:Entity)-[:LINKED* SHORTEST 1..4 (l, n | WHERE l.model IS NULL OR l.model IN $models)]->(s:Entity)
WHERE w.status = 'weak' AND s.status = 'strong' AND length(p) <= $max_hops
RETURN w.id AS weak, s.id AS strong, length(p) AS hops,
       properties(nodes(p), 'id') AS path, properties(rels(p), 'via') AS via
ORDER BY weak, strong;
