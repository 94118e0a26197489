// paths in Kùzu's dialect: docs/cypher/paths.cypher is the Neo4j original.
// Differences: `* ALL SHORTEST 1..12` instead of allShortestPaths(); properties(nodes(p), 'id')
// and label() instead of list comprehensions and type(); no ORDER BY on a list.
MATCH p = (a:Entity)-[:PART_OF|MEMBER_OF|PARTNER_OF|GUIDES|INITIATED|ORGANISATION_OF|COVERS|WITHIN|PARTY_GROUP_OF|LOCATED_IN|DEVELOPS* ALL SHORTEST 1..12]-(b:Entity)
WHERE a.id = $source AND b.id = $target
RETURN length(p) AS hops, properties(nodes(p), 'id') AS path,
       list_transform(rels(p), r -> label(r)) AS relations;
