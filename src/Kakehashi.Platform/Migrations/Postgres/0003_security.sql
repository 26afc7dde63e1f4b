-- Security: organizations, accounts, system clients, token replay/revocation, consent grants
-- and the append-only, hash-chained audit log (docs/adr/0003-security-store.md).

CREATE TABLE security_organizations (
    code        TEXT PRIMARY KEY,      -- 10-digit institution code or insurer number
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL        -- microseconds since the Unix epoch, UTC
);

CREATE TABLE security_accounts (
    id                TEXT PRIMARY KEY,
    username          TEXT NOT NULL UNIQUE,
    organization_code TEXT NOT NULL REFERENCES security_organizations (code),
    job_type          TEXT NOT NULL,
    patient_id        TEXT,
    display_name      TEXT NOT NULL,
    password_hash     TEXT,
    totp_secret       TEXT,
    failed_logins     INTEGER NOT NULL DEFAULT 0,
    locked_until      BIGINT,
    created_at        BIGINT NOT NULL,
    last_used_at      BIGINT,
    disabled_at       BIGINT,
    disabled_reason   TEXT
);

CREATE TABLE security_clients (
    client_id         TEXT PRIMARY KEY,
    organization_code TEXT NOT NULL REFERENCES security_organizations (code),
    role              TEXT NOT NULL,
    display_name      TEXT NOT NULL,
    jwks              TEXT,            -- public keys for private_key_jwt
    secret_hash       TEXT,            -- PBKDF2 hash for client_secret clients (the demo client)
    scopes            TEXT NOT NULL,   -- the scopes it may be granted, space-separated
    redirect_uris     TEXT,            -- authorization-code clients (the login page)
    created_at        BIGINT NOT NULL,
    last_used_at      BIGINT,
    disabled_at       BIGINT,
    disabled_reason   TEXT
);

-- Client assertion ids already used (client_id + ' ' + jti), kept until the assertion expires.
CREATE TABLE security_used_assertions (
    id         TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- Access tokens revoked before their expiry (RFC 7009).
CREATE TABLE security_revoked_tokens (
    token_id   TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- Patient consent per organization and category (the FHIR Consent resource is the record;
-- this is its index for narrowing searches).
CREATE TABLE consent_grants (
    consent_id        TEXT NOT NULL,
    patient_key       TEXT NOT NULL,   -- Patient/{id}, as resources.shard_key
    organization_code TEXT NOT NULL,
    category          TEXT NOT NULL,
    valid_from        BIGINT NOT NULL,
    valid_until       BIGINT NOT NULL,
    PRIMARY KEY (consent_id, category)
);
CREATE INDEX ix_consent_grants_lookup ON consent_grants (organization_code, category, patient_key);

-- The audit trail: one row per (request, patient touched). chain_index is contiguous and
-- hash = SHA-256(previous hash || this row's fields), so any altered, inserted or removed
-- row breaks the chain (AuditLog.VerifyAsync).
CREATE TABLE audit_log (
    chain_index    BIGINT PRIMARY KEY,
    recorded_at    BIGINT NOT NULL,
    request_id     TEXT NOT NULL,
    agent          TEXT NOT NULL,
    agent_kind     TEXT NOT NULL,
    client_id      TEXT,
    organization   TEXT,
    job_type       TEXT NOT NULL,
    patient        TEXT,
    action         TEXT NOT NULL,      -- C R U D E (BALP / AuditEvent.action)
    interaction    TEXT NOT NULL,
    resource       TEXT NOT NULL,
    query          TEXT,
    outcome        INTEGER NOT NULL,   -- HTTP status
    purpose        TEXT NOT NULL,
    emergency      SMALLINT NOT NULL,
    reason         TEXT,
    hash           TEXT NOT NULL
);
CREATE INDEX ix_audit_patient ON audit_log (patient, recorded_at);
CREATE INDEX ix_audit_agent ON audit_log (agent, recorded_at);
CREATE INDEX ix_audit_recorded ON audit_log (recorded_at);

-- Append-only, for every role, the owner included: a trigger refuses UPDATE, DELETE and
-- TRUNCATE. Deployments run the server as a role that is not the owner and hold only
-- INSERT and SELECT (docs/security/audit.md), so it cannot drop the triggers either.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
