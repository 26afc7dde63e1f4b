-- Shared documents (docs/sharing.md "Documents"): referral letters, discharge summaries and
-- health-checkup reports, kept as received. A document is immutable; a correction is a new row
-- that names the one it replaces, and the replaced row is marked superseded.
CREATE TABLE sharing_documents (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,    -- referral | discharge-summary | checkup-report
    patient_key      TEXT NOT NULL,    -- Patient/{id}
    sender_code      TEXT NOT NULL,    -- institution code (or insurer number) of the sender
    sender_name      TEXT,
    sender           TEXT NOT NULL,    -- account (sub) that submitted it
    recipient_code   TEXT,             -- 紹介先 institution code (referrals, discharge summaries)
    recipient_name   TEXT,
    document_key     TEXT NOT NULL,    -- system|value of the Composition (or Bundle) identifier
    document_date    TEXT,             -- Composition.date as written
    submitted_at     BIGINT NOT NULL,  -- microseconds since the Unix epoch, UTC
    status           TEXT NOT NULL,    -- new | retrieved | acknowledged
    retrieved_at     BIGINT,
    acknowledged_at  BIGINT,
    replaces         TEXT,             -- id of the version this one corrects
    superseded_by    TEXT,             -- id of the version that corrected this one
    expires_at       BIGINT,           -- purge after this instant (set on retrieval; checkup reports at submission)
    document         TEXT NOT NULL     -- the document Bundle as received
);
CREATE INDEX ix_sharing_documents_inbox ON sharing_documents (recipient_code, submitted_at);
CREATE INDEX ix_sharing_documents_sent ON sharing_documents (sender_code, submitted_at);
CREATE INDEX ix_sharing_documents_key ON sharing_documents (sender_code, document_key);
CREATE INDEX ix_sharing_documents_patient ON sharing_documents (patient_key, kind);
CREATE INDEX ix_sharing_documents_expiry ON sharing_documents (expires_at);
