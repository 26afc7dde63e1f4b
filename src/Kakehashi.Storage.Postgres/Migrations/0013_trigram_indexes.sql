-- Substring searches (string :contains, token :text, _text and _content) match '%value%',
-- which no B-tree can serve: without these they test every candidate row. Trigram GIN indexes
-- (pg_trgm, shipped with PostgreSQL's contrib modules and trusted, so a database owner may
-- install it) let the planner read only the rows that share the value's trigrams; values
-- shorter than three characters still test rows. Results are unchanged.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ix_string_trigram ON idx_string USING gin (value_norm gin_trgm_ops);
CREATE INDEX ix_token_text_trigram ON idx_token USING gin (text_norm gin_trgm_ops);
CREATE INDEX ix_text_trigram ON idx_text USING gin (content gin_trgm_ops);
