-- Emergency access (救急時医療情報閲覧, break-the-glass) and the alerts it raises for security
-- administrators (docs/security/consent.md).

-- A time-boxed grant: this agent (account or client) of this organization may see this
-- patient's data without consent until expires_at. Rows are kept after expiry as the record.
CREATE TABLE emergency_grants (
    id                TEXT PRIMARY KEY,
    agent             TEXT NOT NULL,
    organization_code TEXT NOT NULL,
    patient_key       TEXT NOT NULL,   -- Patient/{id}, as resources.shard_key
    reason            TEXT NOT NULL,
    granted_at        BIGINT NOT NULL, -- microseconds since the Unix epoch, UTC
    expires_at        BIGINT NOT NULL
);
CREATE INDEX ix_emergency_grants_agent ON emergency_grants (agent, expires_at);

-- Events a security administrator must look at.
CREATE TABLE security_alerts (
    id                TEXT PRIMARY KEY,
    raised_at         BIGINT NOT NULL,
    kind              TEXT NOT NULL,
    organization_code TEXT NOT NULL,
    agent             TEXT NOT NULL,
    patient_key       TEXT,
    detail            TEXT NOT NULL,
    acknowledged_at   BIGINT,
    acknowledged_by   TEXT
);
CREATE INDEX ix_security_alerts_org ON security_alerts (organization_code, raised_at);
