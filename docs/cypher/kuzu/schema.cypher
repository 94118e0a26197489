// Kùzu only: Kùzu stores a relationship type in a declared table, so the derived LINKED
// relationships of linked.cypher need one (Neo4j makes a type when it is first used).
CREATE REL TABLE LINKED(FROM Entity TO Entity, via STRING, relation STRING, model STRING);
