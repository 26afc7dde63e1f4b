-- $reindex jobs: the position reached is committed with each batch, so a job survives a restart.
CREATE TABLE reindex_jobs (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL,    -- comma-separated resource types, or * for all
    status      TEXT NOT NULL,    -- running, completed, failed
    cursor_type TEXT NOT NULL,    -- the last resource reindexed ('' before the first)
    cursor_id   TEXT NOT NULL,
    processed   BIGINT NOT NULL,
    total       BIGINT NOT NULL,
    started_at  BIGINT NOT NULL, -- microseconds since the Unix epoch, UTC
    updated_at  BIGINT NOT NULL,
    error       TEXT
);

-- Composite parameters store one row per component; comp_group ties the components of one
-- element together (code and value of the same Observation.component).
ALTER TABLE idx_token ADD COLUMN comp_group INTEGER;
ALTER TABLE idx_quantity ADD COLUMN comp_group INTEGER;
ALTER TABLE idx_date ADD COLUMN comp_group INTEGER;
ALTER TABLE idx_string ADD COLUMN comp_group INTEGER;
ALTER TABLE idx_reference ADD COLUMN comp_group INTEGER;
ALTER TABLE idx_number ADD COLUMN comp_group INTEGER;
ALTER TABLE idx_uri ADD COLUMN comp_group INTEGER;

