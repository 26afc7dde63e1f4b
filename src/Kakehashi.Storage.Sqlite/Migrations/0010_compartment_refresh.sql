-- Resource types whose stored rows need their shard_key (patient compartment) derived again
-- because the rule that derives it changed. The server does it at start, before it serves
-- (CompartmentRefresh), and removes the type from this table when done.
CREATE TABLE compartment_refresh (resource_type TEXT PRIMARY KEY);

-- Document Bundles belong to the subject of their Composition (DocumentPatients), no longer to themselves.
INSERT INTO compartment_refresh (resource_type) VALUES ('Bundle');
