// weak-links: every way a weak entity is linked to a strong one directly (one link): each
// joint organisation both are members of, or the partnership (its relationship key). Run
// linked.cypher first. Parameter: $models, as in weak_linked.cypher. graphsvc's weak-linked
// (max_hops 1) shows the first of these `via` (organisations first, by id).
// The same text runs on Kùzu.
MATCH (w:Entity {status: 'weak'})-[l:LINKED]->(s:Entity {status: 'strong'})
WHERE l.model IS NULL OR l.model IN $models
RETURN w.id AS weak, s.id AS strong, collect(l.via) AS via, collect(l.relation) AS relations
ORDER BY weak, strong;
