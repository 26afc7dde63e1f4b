-- $reindex jobs: the position reached is committed with each batch, so a job survives a restart.
CREATE TABLE reindex_jobs (
    id          TEXT PRIMARY KEY,
    scope       TEXT NOT NULL,    -- comma-separated resource types, or * for all
    status      TEXT NOT NULL,    -- running, completed, failed
    cursor_type TEXT NOT NULL,    -- the last resource reindexed ('' before the first)
    cursor_id   TEXT NOT NULL,
    processed   INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    started_at  INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
    updated_at  INTEGER NOT NULL,
    error       TEXT
);

