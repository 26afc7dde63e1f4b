-- FHIR Bulk Data export ($export): one row per kick-off, run by a background worker under the
-- caller's identity, resumable from (cursor_type, cursor_id) after a restart (docs/bulk-export.md).
CREATE TABLE export_jobs (
    id               TEXT PRIMARY KEY,  -- random; the status URL is /export/{id}
    owner            TEXT NOT NULL,     -- kind:subject of the caller; nobody else sees the job
    caller           TEXT NOT NULL,     -- the caller (JSON), whose access the queries run with
    request_url      TEXT NOT NULL,
    level            TEXT NOT NULL,     -- system | patient | group
    patients         TEXT,              -- group level: the members (Patient/id, comma-separated)
    types            TEXT NOT NULL,     -- the types to export, comma-separated, in export order
    since_us         BIGINT,            -- _since, microseconds since the Unix epoch, UTC
    status           TEXT NOT NULL,     -- queued | running | completed | failed
    transaction_time BIGINT NOT NULL,
    cursor_type      TEXT NOT NULL,     -- position reached: types before it are done,
    cursor_id        TEXT NOT NULL,     -- and of this type the ids up to this one
    exported         BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    lease_until      BIGINT,            -- the server running it holds it until then (renewed per file)
    error            TEXT
);
CREATE INDEX ix_export_jobs_status ON export_jobs (status, created_at);

-- The NDJSON files of a job, kept until the job is deleted or purged.
CREATE TABLE export_files (
    job_id        TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    resource_type TEXT NOT NULL,
    resources     BIGINT NOT NULL,
    patients      TEXT NOT NULL,        -- the patients (Patient/id) the file holds data of, for the audit trail
    data          BYTEA NOT NULL,
    PRIMARY KEY (job_id, seq)
);
