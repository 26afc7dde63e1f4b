-- Search reads the index tables two ways (SqlConditionBuilder): a selective condition lists its
-- matches from a value index and drives the query, and the other conditions are tested on each
-- resource through the owner index. Both kinds of index now hold every column those reads use,
-- so neither touches the table rows.
--
-- Value indexes end with id: the (type, id) pairs a driving condition yields come from the
-- index alone.
DROP INDEX ix_string_value;
CREATE INDEX ix_string_value ON idx_string (resource_type, param, value_norm, id);
DROP INDEX ix_token_code;
CREATE INDEX ix_token_code ON idx_token (resource_type, param, code, system, id);
DROP INDEX ix_reference_target;
CREATE INDEX ix_reference_target ON idx_reference (resource_type, param, target_id, target_type, id);
DROP INDEX ix_reference_reverse;
CREATE INDEX ix_reference_reverse ON idx_reference (target_type, target_id, param, resource_type, id);
DROP INDEX ix_date_start;
CREATE INDEX ix_date_start ON idx_date (resource_type, param, start_us, end_us, id);
DROP INDEX ix_date_end;
CREATE INDEX ix_date_end ON idx_date (resource_type, param, end_us, start_us, id);
DROP INDEX ix_number_value;
CREATE INDEX ix_number_value ON idx_number (resource_type, param, low, high, id);
DROP INDEX ix_quantity_value;
CREATE INDEX ix_quantity_value ON idx_quantity (resource_type, param, code, low, high, system, id);
DROP INDEX ix_uri_value;
CREATE INDEX ix_uri_value ON idx_uri (resource_type, param, value, id);

-- Owner indexes: (id, resource_type, param) and then the compared values, so that a condition
-- tested on one resource (a correlated EXISTS, a sort key) reads that resource's rows of the
-- parameter from the index alone, and the planner never prefers a value index with as many
-- equality columns (it did: one reference test read every reference to the patient, for each
-- Observation). The id leads so that the index is useless for "every row of a type": with
-- resource_type first, SQLite read all of a type's rows through it, to have them in (type, id)
-- order for an IN list, instead of the few that the value index finds.
DROP INDEX ix_string_owner;
CREATE INDEX ix_string_owner ON idx_string (id, resource_type, param, value_norm);
DROP INDEX ix_token_owner;
CREATE INDEX ix_token_owner ON idx_token (id, resource_type, param, code, system);
DROP INDEX ix_reference_owner;
CREATE INDEX ix_reference_owner ON idx_reference (id, resource_type, param, target_type, target_id);
DROP INDEX ix_date_owner;
CREATE INDEX ix_date_owner ON idx_date (id, resource_type, param, start_us, end_us);
DROP INDEX ix_number_owner;
CREATE INDEX ix_number_owner ON idx_number (id, resource_type, param, low, high);
DROP INDEX ix_quantity_owner;
CREATE INDEX ix_quantity_owner ON idx_quantity (id, resource_type, param, code, low, high);
DROP INDEX ix_uri_owner;
CREATE INDEX ix_uri_owner ON idx_uri (id, resource_type, param, value);

