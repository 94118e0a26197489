// weak-linked: every weak entity with each strong entity at most $max_hops links away (run
// linked.cypher first), the shortest such chain and what it goes through.
// Parameters: $max_hops (1 to 4; graphsvc's default 1) and $models (the joint-building models
// to walk through, e.g. ['area', 'village_village', 'village_enterprise',
// 'village_university', 'grid'] for all). Statuses are those of the exported year
// (`graphsvc export -f neo4j --year Y`).
// Kùzu: docs/cypher/kuzu/weak_linked.cypher (shortest-path syntax, no list comprehensions).
MATCH (w:Entity {status: 'weak'}), (s:Entity {status: 'strong'})
MATCH p = shortestPath((w)-[:LINKED*1..4]->(s))
WHERE length(p) <= $max_hops
  AND all(l IN relationships(p) WHERE l.model IS NULL OR l.model IN $models)
RETURN w.id AS weak, s.id AS strong, length(p) AS hops,
       [n IN nodes(p) | n.id] AS path, [l IN relationships(p) | l.via] AS via
ORDER BY weak, strong;
