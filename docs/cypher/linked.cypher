// LINKED: the links graphsvc's weak-linked and gaps walk, made once as relationships.
// A link joins two entities that are both members of one joint party organisation, or that
// are partners. Run this once after the import (and again after re-importing).
// The same text runs on Kùzu (see docs/scale.md, "Graphs beyond memory").
//
// Joint organisation, as graphsvc's Schema.is_joint reads the bundled schema.yaml (`joint:`,
// `models:`): a party_org that is not a 党小组, whose model is not `grid` (the one model with
// `joint: false`), and that has a model or `joint` among its forms.
MATCH (a:Entity)-[:MEMBER_OF]->(o:Entity)<-[:MEMBER_OF]-(b:Entity)
WHERE a.id <> b.id AND o.kind = 'party_org'
  AND coalesce(o.level, '') <> '党小组' AND coalesce(o.model, '') <> 'grid'
  AND (o.model IS NOT NULL OR (';' + coalesce(o.form, '') + ';') CONTAINS ';joint;')
MERGE (a)-[l:LINKED {via: o.id}]->(b)
SET l.relation = 'member_of', l.model = o.model;

// A partnership is a link both ways; its model comes from the kinds at its ends (a partnership
// of two villages counts as village_village, of a village and an enterprise as
// village_enterprise, of a village and a university as village_university, else none: the
// `partners` of schema.yaml's `models:`).
MATCH (a:Entity)-[p:PARTNER_OF]-(b:Entity)
WHERE a.id <> b.id
MERGE (a)-[l:LINKED {via: p.key}]->(b)
SET l.relation = 'partner_of',
    l.model = CASE
      WHEN a.kind = 'village' AND b.kind = 'village' THEN 'village_village'
      WHEN 'village' IN [a.kind, b.kind] AND 'enterprise' IN [a.kind, b.kind]
        THEN 'village_enterprise'
      WHEN 'village' IN [a.kind, b.kind] AND 'university' IN [a.kind, b.kind]
        THEN 'village_university'
    END;
