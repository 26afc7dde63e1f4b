-- shard_key is the patient compartment (see docs/adr/0002-postgres-shard-key.md).
-- Current pointer per resource: drives search joins and optimistic concurrency.
CREATE TABLE resources (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    INTEGER NOT NULL,
    last_updated  BIGINT NOT NULL, -- microseconds since the Unix epoch, UTC
    is_deleted    SMALLINT NOT NULL,
    shard_key     TEXT NOT NULL,
    PRIMARY KEY (resource_type, id)
);
CREATE INDEX ix_resources_type_updated ON resources (resource_type, last_updated);

-- Every version ever written, including deletion tombstones; seq orders system history.
CREATE TABLE resource_versions (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    INTEGER NOT NULL,
    last_updated  BIGINT NOT NULL,
    is_deleted    SMALLINT NOT NULL,
    method        TEXT NOT NULL,
    shard_key     TEXT NOT NULL,
    data          BYTEA NOT NULL
);
CREATE UNIQUE INDEX ux_versions_key ON resource_versions (resource_type, id, version_id);
CREATE INDEX ix_versions_type_seq ON resource_versions (resource_type, seq);
CREATE INDEX ix_versions_updated ON resource_versions (last_updated);

CREATE TABLE idx_string (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    value_norm TEXT NOT NULL, value_exact TEXT NOT NULL);
-- text_pattern_ops lets "LIKE 'prefix%'" use the index whatever the database collation.
CREATE INDEX ix_string_value ON idx_string (resource_type, param, value_norm text_pattern_ops);
CREATE INDEX ix_string_owner ON idx_string (resource_type, id);

CREATE TABLE idx_token (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    system TEXT, code TEXT, text_norm TEXT);
CREATE INDEX ix_token_code ON idx_token (resource_type, param, code, system);
CREATE INDEX ix_token_owner ON idx_token (resource_type, id);

CREATE TABLE idx_reference (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    target_type TEXT, target_id TEXT, target_url TEXT);
CREATE INDEX ix_reference_target ON idx_reference (resource_type, param, target_id, target_type);
CREATE INDEX ix_reference_reverse ON idx_reference (target_type, target_id, param);
CREATE INDEX ix_reference_owner ON idx_reference (resource_type, id);

CREATE TABLE idx_date (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    start_us BIGINT NOT NULL, end_us BIGINT NOT NULL);
CREATE INDEX ix_date_start ON idx_date (resource_type, param, start_us);
CREATE INDEX ix_date_end ON idx_date (resource_type, param, end_us);
CREATE INDEX ix_date_owner ON idx_date (resource_type, id);

CREATE TABLE idx_number (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    low DOUBLE PRECISION NOT NULL, high DOUBLE PRECISION NOT NULL);
CREATE INDEX ix_number_value ON idx_number (resource_type, param, low);
CREATE INDEX ix_number_owner ON idx_number (resource_type, id);

CREATE TABLE idx_quantity (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    system TEXT, code TEXT, low DOUBLE PRECISION NOT NULL, high DOUBLE PRECISION NOT NULL);
CREATE INDEX ix_quantity_value ON idx_quantity (resource_type, param, code, low);
CREATE INDEX ix_quantity_owner ON idx_quantity (resource_type, id);

CREATE TABLE idx_uri (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    value TEXT NOT NULL);
CREATE INDEX ix_uri_value ON idx_uri (resource_type, param, value text_pattern_ops);
CREATE INDEX ix_uri_owner ON idx_uri (resource_type, id);
