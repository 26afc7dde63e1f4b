-- _text (the narrative) and _content (every string of the resource), folded like string search
-- (SearchText). Matched as substrings of the one row per resource and parameter; resources
-- written before this migration have no row until $reindex.
CREATE TABLE idx_text (
    resource_type TEXT NOT NULL, id TEXT NOT NULL, param TEXT NOT NULL,
    content TEXT NOT NULL);
CREATE INDEX ix_text_owner ON idx_text (id, resource_type, param);
