// weak-linked: every weak entity with each strong entity at most $max_hops links away (run
// linked.cypher first), the shortest such chain and what it goes through.
// Parameters: $max_hops (1 to 4; graphsvc's default 1) and $models (the joint-building models
// to walk through, e.g. ['area', 'village_village', 'village_enterprise',
// 'village_university', 'grid'] for all). Statuses are those of the exported year
// (`graphsvc export -f neo4j --year Y`).
// Neo4j 5.21 or later (SHORTEST, a quantified relationship with an inline WHERE): one search
// outwards from each weak entity. Before 5.21:
//   MATCH (w:Entity {status: 'weak'}), (s:Entity {status: 'strong'})
//   MATCH p = shortestPath((w)-[:LINKED*1..4]->(s))
//   WHERE length(p) <= $max_hops
//     AND all(l IN relationships(p) WHERE l.model IS NULL OR l.model IN $models)
// which searches once per (weak, strong) pair: fine for a district, slow for a country.
// Kùzu: docs/cypher/kuzu/weak_linked.cypher (its own shortest-path syntax, no list
// comprehensions).
MATCH p = SHORTEST 1 (w:Entity {status: 'weak'})
      -[l:LINKED WHERE l.model IS NULL OR l.model IN $models]->{1,4}
      (s:Entity {status: 'strong'})
WHERE length(p) <= $max_hops
RETURN w.id AS weak, s.id AS strong, length(p) AS hops,
       [n IN nodes(p) | n.id] AS path, [r IN relationships(p) | r.via] AS via
ORDER BY weak, strong;
