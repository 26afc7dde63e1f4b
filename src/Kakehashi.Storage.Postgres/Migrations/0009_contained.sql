-- Resources contained in others, for _contained: their index rows (in the idx_* tables) are
-- owned by resource_type and id = 'ContainerType/containerId#localId' (ContainedResources),
-- and this table lists them per container so that a new version replaces them. Containers
-- stored before this migration are found this way after $reindex.
CREATE TABLE contained_resources (
    container_type TEXT NOT NULL, container_id TEXT NOT NULL,
    resource_type  TEXT NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (container_type, container_id, resource_type, id));
CREATE INDEX ix_contained_owner ON contained_resources (resource_type, id);
