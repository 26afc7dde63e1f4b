-- Current pointer per resource: drives search joins and optimistic concurrency.
CREATE TABLE resources (
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    INTEGER NOT NULL,
    last_updated  INTEGER NOT NULL, -- microseconds since the Unix epoch, UTC
    is_deleted    INTEGER NOT NULL,
    shard_key     TEXT NOT NULL,
    PRIMARY KEY (resource_type, id)
) WITHOUT ROWID;
CREATE INDEX ix_resources_type_updated ON resources (resource_type, last_updated);

-- Every version ever written, including deletion tombstones; seq orders system history.
CREATE TABLE resource_versions (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    resource_type TEXT NOT NULL,
    id            TEXT NOT NULL,
    version_id    INTEGER NOT NULL,
    last_updated  INTEGER NOT NULL,
    is_deleted    INTEGER NOT NULL,
    method        TEXT NOT NULL,
    shard_key     TEXT NOT NULL,
    data          BLOB NOT NULL
);
CREATE UNIQUE INDEX ux_versions_key ON resource_versions (resource_type, id, version_id);
CREATE INDEX ix_versions_type_seq ON resource_versions (resource_type, seq);
CREATE INDEX ix_versions_updated ON resource_versions (last_updated);

-- value_norm is already case-folded; NOCASE lets SQLite turn "LIKE 'prefix%'" into an index range.
CREATE TABLE idx_string (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    value_norm TEXT NOT NULL COLLATE NOCASE, value_exact TEXT NOT NULL);
CREATE INDEX ix_string_value ON idx_string (resource_type, param, value_norm);
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
    start_us INTEGER NOT NULL, end_us INTEGER NOT NULL);
CREATE INDEX ix_date_start ON idx_date (resource_type, param, start_us);
CREATE INDEX ix_date_end ON idx_date (resource_type, param, end_us);
CREATE INDEX ix_date_owner ON idx_date (resource_type, id);

CREATE TABLE idx_number (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    low REAL NOT NULL, high REAL NOT NULL);
CREATE INDEX ix_number_value ON idx_number (resource_type, param, low);
CREATE INDEX ix_number_owner ON idx_number (resource_type, id);

CREATE TABLE idx_quantity (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    system TEXT, code TEXT, low REAL NOT NULL, high REAL NOT NULL);
CREATE INDEX ix_quantity_value ON idx_quantity (resource_type, param, code, low);
CREATE INDEX ix_quantity_owner ON idx_quantity (resource_type, id);

CREATE TABLE idx_uri (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    value TEXT NOT NULL);
CREATE INDEX ix_uri_value ON idx_uri (resource_type, param, value);
CREATE INDEX ix_uri_owner ON idx_uri (resource_type, id);
