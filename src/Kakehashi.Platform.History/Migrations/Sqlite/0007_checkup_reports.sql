-- Specific health checkup (特定健診) reports registered by insurers (docs/eligibility-history.md).
-- Kept as the documents they are, outside the FHIR resource tables: their consent category
-- (checkup) differs from that of the resource types inside them, so they are read only through
-- Patient/$checkup-history, which checks that consent.
CREATE TABLE checkup_reports (
    id              TEXT PRIMARY KEY,
    patient_key     TEXT NOT NULL,   -- Patient/{id}, as resources.shard_key
    registrant      TEXT NOT NULL,   -- organization code of the insurer (or operator) that registered it
    document_system TEXT NOT NULL,   -- Bundle.identifier: registering it again replaces the report
    document_value  TEXT NOT NULL,
    checkup_date    TEXT NOT NULL,   -- YYYY-MM-DD, Japan time
    registered_at   BIGINT NOT NULL, -- microseconds since the Unix epoch, UTC
    document        TEXT NOT NULL,   -- the document Bundle as received (compact JSON)
    UNIQUE (registrant, document_system, document_value)
);
CREATE INDEX ix_checkup_reports_patient ON checkup_reports (patient_key, checkup_date);
