// paths: every shortest path between two entities, relationships walked either way, over
// graphsvc's own relationship types (not the derived LINKED). Parameters: $source, $target
// (entity ids, e.g. '110111009218' and '110111009212'). graphsvc's `paths` lists the
// shortest first, up to --limit; its paths of the shortest length are these.
// Kùzu: docs/cypher/kuzu/paths.cypher (ALL SHORTEST syntax, no list comprehensions).
MATCH (a:Entity {id: $source}), (b:Entity {id: $target})
MATCH p = allShortestPaths((a)-[:PART_OF|MEMBER_OF|PARTNER_OF|GUIDES|INITIATED|ORGANISATION_OF|COVERS|WITHIN|PARTY_GROUP_OF|LOCATED_IN|DEVELOPS*..12]-(b))
RETURN length(p) AS hops, [n IN nodes(p) | n.id] AS path,
       [r IN relationships(p) | type(r)] AS relations
ORDER BY path;
