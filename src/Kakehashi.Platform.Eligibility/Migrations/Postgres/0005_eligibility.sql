-- Online eligibility verification (docs/eligibility.md). The Coverage resources are the record;
-- these tables are their index for checks, kept in the transaction that writes each Coverage.
-- A check is one indexed lookup here, joined to the current Patient and public expenses.

-- One row per active health-insurance qualification (a Coverage with an individual insured number).
CREATE TABLE eligibility_qualifications (
    coverage_id       TEXT PRIMARY KEY,
    member_key        TEXT NOT NULL,   -- canonical 保険者番号:記号:番号:枝番
    member_prefix     TEXT NOT NULL,   -- the same without the branch (old cards have none)
    card_key          TEXT,            -- SHA-256 of the linked card certificate's issuer and serial
    patient_id        TEXT NOT NULL,
    insurer_number    TEXT NOT NULL,   -- as registered
    symbol            TEXT NOT NULL,
    number            TEXT NOT NULL,
    branch            TEXT NOT NULL,
    insurance_type    TEXT,            -- 保険種別 (1 医保, 2 国保, 7 後期高齢者) when given
    relationship      TEXT,
    insurer_name      TEXT,
    valid_from        INTEGER NOT NULL, -- yyyymmdd
    valid_until       INTEGER,          -- yyyymmdd, last day covered; NULL = open
    copay_percent     INTEGER,
    limit_category    TEXT,
    specific_diseases TEXT              -- space-separated codes
);
-- The individual insured number identifies one person: one active qualification per number.
CREATE UNIQUE INDEX ux_eligibility_member ON eligibility_qualifications (member_key);
CREATE INDEX ix_eligibility_prefix ON eligibility_qualifications (member_prefix);
CREATE INDEX ix_eligibility_card ON eligibility_qualifications (card_key) WHERE card_key IS NOT NULL;
CREATE INDEX ix_eligibility_patient ON eligibility_qualifications (patient_id);

-- One row per active public-expense qualification (公費).
CREATE TABLE eligibility_public_expenses (
    coverage_id      TEXT PRIMARY KEY,
    patient_id       TEXT NOT NULL,
    payer_number     TEXT NOT NULL,    -- 公費負担者番号
    recipient_number TEXT,             -- 受給者番号
    valid_from       INTEGER NOT NULL,
    valid_until      INTEGER,
    copay_percent    INTEGER
);
CREATE INDEX ix_eligibility_public_patient ON eligibility_public_expenses (patient_id);

-- Asynchronous work: bulk uploads of qualifications and bulk pre-checks of booked patients.
CREATE TABLE eligibility_jobs (
    id                TEXT PRIMARY KEY, -- also the reception number (受付番号) of a pre-check
    kind              TEXT NOT NULL,    -- upload | precheck
    format            TEXT NOT NULL,    -- ndjson | csv | json
    organization_code TEXT NOT NULL,
    submitted_by      TEXT NOT NULL,
    caller            TEXT NOT NULL,    -- the submitter (JSON), under whose name the rows run
    status            TEXT NOT NULL,    -- queued | running | completed | failed
    total             INTEGER NOT NULL,
    processed         INTEGER NOT NULL,
    succeeded         INTEGER NOT NULL,
    failed            INTEGER NOT NULL,
    created_at        BIGINT NOT NULL,  -- microseconds since the Unix epoch, UTC
    updated_at        BIGINT NOT NULL,
    completed_at      BIGINT,
    lease_until       BIGINT,           -- the server running it holds it until then (renewed per batch)
    error             TEXT,
    input             BYTEA             -- the submitted rows; dropped once the job is done
);
CREATE INDEX ix_eligibility_jobs_status ON eligibility_jobs (status, created_at);

-- Per-row outcomes: every row of a pre-check, the refused rows of an upload.
CREATE TABLE eligibility_job_rows (
    job_id     TEXT NOT NULL,
    row_number INTEGER NOT NULL,
    outcome    TEXT NOT NULL,           -- a check status, or ok | error
    detail     TEXT NOT NULL,           -- JSON
    PRIMARY KEY (job_id, row_number)
);
