-- The shared clinical items (docs/sharing.md "Six clinical items"), one narrow row per stored item
-- beside its FHIR resource, kept by ClinicalItemObserver in the transaction that writes the
-- resource. The views window, merge and page on these rows and read only the resources they show:
-- parsing every item of a patient with five years from ten institutions cost ~750 ms per summary.
CREATE TABLE sharing_items (
    resource_type  TEXT NOT NULL,      -- Condition | Observation | AllergyIntolerance | MedicationRequest
    resource_id    TEXT NOT NULL,
    patient_key    TEXT NOT NULL,      -- Patient/{id}
    kind           TEXT NOT NULL,      -- diagnosis | infection | drug-allergy | other-allergy | lab | prescription
    code           TEXT NOT NULL,      -- what makes two senders' items the same: system|code of the first coding
    label          TEXT NOT NULL,      -- one line of text: the name, and a result's value
    day            INTEGER,            -- the item's day in Japan (DateOnly.DayNumber)
    ended          INTEGER,            -- a diagnosis's end (DateOnly.DayNumber)
    source         TEXT,               -- the sending institution (server-stamped author)
    not_yet_told   INTEGER NOT NULL,   -- 1: 未告知 (UNINFORMED)
    long_term      INTEGER NOT NULL,   -- 1: 長期保存 (LTS)
    -- Clustered by patient (SQLite): a view reads one contiguous range, not a seek per item.
    PRIMARY KEY (patient_key, kind, resource_type, resource_id)
);
CREATE UNIQUE INDEX ix_sharing_items_resource ON sharing_items (resource_type, resource_id);
CREATE INDEX ix_sharing_items_day ON sharing_items (day);
CREATE INDEX ix_sharing_items_ended ON sharing_items (ended);
