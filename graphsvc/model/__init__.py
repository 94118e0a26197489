"""The data model: the declared kinds and relations (schema.yaml), seed records and rules."""
