// gaps: what is missing, one statement per kind of gap (graphsvc gaps, for the exported year).
// Run linked.cypher first. Each statement returns gap, entity, township; as in graphsvc, a
// village counts in the township its `township` property names, and a joint organisation in
// its own township or in none. The same text runs on Kùzu.

// weak_without_strong: weak villages with no strong entity one link away.
MATCH (t:Entity {kind: 'township'}), (v:Entity {kind: 'village'})
WHERE v.township = t.id AND v.status = 'weak'
  AND NOT EXISTS { MATCH (v)-[:LINKED]->(s:Entity) WHERE s.status = 'strong' }
RETURN 'weak_without_strong' AS gap, v.id AS entity, t.id AS township
ORDER BY township, entity;

// village_without_org: villages that are members of no joint organisation.
MATCH (t:Entity {kind: 'township'}), (v:Entity {kind: 'village'})
WHERE v.township = t.id
  AND NOT EXISTS {
    MATCH (v)-[:MEMBER_OF]->(o:Entity)
    WHERE o.kind = 'party_org' AND coalesce(o.level, '') <> '党小组'
      AND coalesce(o.model, '') <> 'grid'
      AND (o.model IS NOT NULL OR (';' + coalesce(o.form, '') + ';') CONTAINS ';joint;')
  }
RETURN 'village_without_org' AS gap, v.id AS entity, t.id AS township
ORDER BY township, entity;

// status_unknown: villages in a joint organisation with no status for the year.
MATCH (t:Entity {kind: 'township'}), (v:Entity {kind: 'village'})
WHERE v.township = t.id AND v.status = 'unknown'
  AND EXISTS {
    MATCH (v)-[:MEMBER_OF]->(o:Entity)
    WHERE o.kind = 'party_org' AND coalesce(o.level, '') <> '党小组'
      AND coalesce(o.model, '') <> 'grid'
      AND (o.model IS NOT NULL OR (';' + coalesce(o.form, '') + ';') CONTAINS ';joint;')
  }
RETURN 'status_unknown' AS gap, v.id AS entity, t.id AS township
ORDER BY township, entity;

// org_without_strong: joint organisations none of whose members is strong.
MATCH (o:Entity {kind: 'party_org'})
WHERE coalesce(o.level, '') <> '党小组' AND coalesce(o.model, '') <> 'grid'
  AND (o.model IS NOT NULL OR (';' + coalesce(o.form, '') + ';') CONTAINS ';joint;')
  AND (o.township IS NULL
       OR EXISTS { MATCH (t:Entity {kind: 'township'}) WHERE t.id = o.township })
  AND NOT EXISTS { MATCH (o)<-[:MEMBER_OF]-(m:Entity) WHERE m.status = 'strong' }
RETURN 'org_without_strong' AS gap, o.id AS entity, o.township AS township
ORDER BY township, entity;

// org_without_enterprise_or_university: joint organisations with no enterprise or university
// among their members.
MATCH (o:Entity {kind: 'party_org'})
WHERE coalesce(o.level, '') <> '党小组' AND coalesce(o.model, '') <> 'grid'
  AND (o.model IS NOT NULL OR (';' + coalesce(o.form, '') + ';') CONTAINS ';joint;')
  AND (o.township IS NULL
       OR EXISTS { MATCH (t:Entity {kind: 'township'}) WHERE t.id = o.township })
  AND NOT EXISTS {
    MATCH (o)<-[:MEMBER_OF]-(m:Entity) WHERE m.kind IN ['enterprise', 'university']
  }
RETURN 'org_without_enterprise_or_university' AS gap, o.id AS entity, o.township AS township
ORDER BY township, entity;
