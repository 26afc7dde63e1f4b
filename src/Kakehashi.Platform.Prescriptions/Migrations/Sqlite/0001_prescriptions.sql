-- Electronic prescriptions (docs/prescriptions.md). The prescription document is kept as
-- received (its signature covers those bytes); the lifecycle is the row's state.
CREATE TABLE prescriptions (
    id               TEXT PRIMARY KEY,
    patient_key      TEXT NOT NULL,    -- Patient/{id}, as resources.shard_key
    prescriber_code  TEXT NOT NULL,    -- institution code of the prescribing institution
    prescriber       TEXT NOT NULL,    -- account (sub) that registered it
    status           TEXT NOT NULL,    -- registered | accepted | dispensed | cancelled | expired
    exchange_number  TEXT NOT NULL,    -- 引換番号, 6 digits
    open_number      TEXT UNIQUE,      -- the exchange number while the prescription is open, else NULL
    issue_day        TEXT NOT NULL,    -- YYYY-MM-DD, Japan time
    window_start     TEXT NOT NULL,    -- the current use may be dispensed from this day...
    window_end       TEXT NOT NULL,    -- ...to this day (inclusive, Japan time)
    uses_allowed     INTEGER NOT NULL, -- 1, or 2..3 for a refill (リフィル)
    uses_done        INTEGER NOT NULL,
    pharmacy_code    TEXT,             -- the pharmacy that accepted it (受付済), while accepted
    signed           INTEGER NOT NULL, -- 1 electronic (signed), 0 paper
    signer_serial    TEXT,
    signer_name      TEXT,
    time_stamp       TEXT,             -- the server's time-stamp over the signed content
    master_version   TEXT NOT NULL,    -- drug master version that checked it at registration
    registered_at    BIGINT NOT NULL,  -- microseconds since the Unix epoch, UTC
    updated_at       BIGINT NOT NULL,
    document         TEXT NOT NULL     -- the document Bundle as received
);
CREATE INDEX ix_prescriptions_patient ON prescriptions (patient_key, status);
-- The sweep that closes expired prescriptions' exchange numbers reads only open ones.
CREATE INDEX ix_prescriptions_open ON prescriptions (status, window_end);

-- Each use's dispensing result as the pharmacist signed it; the MedicationDispenses it carries
-- are FHIR resources (they feed the medication history and the check).
CREATE TABLE prescription_dispensings (
    prescription_id  TEXT NOT NULL,
    use_number       INTEGER NOT NULL,
    pharmacy_code    TEXT NOT NULL,
    pharmacist       TEXT NOT NULL,
    dispensed_day    TEXT NOT NULL,
    dispense_ids     TEXT NOT NULL,    -- JSON array of MedicationDispense ids
    signed           INTEGER NOT NULL,
    signer_serial    TEXT,
    time_stamp       TEXT,
    registered_at    BIGINT NOT NULL,
    document         TEXT NOT NULL,
    PRIMARY KEY (prescription_id, use_number)
);

-- What the duplicate / contraindication check reads: one row per drug of a prescription or a
-- dispensing record, with the days it counts as taken. Kept by the service, beside the records.
CREATE TABLE medication_courses (
    source           TEXT NOT NULL,    -- Prescription/{id} or MedicationDispense/{id}
    line             INTEGER NOT NULL,
    patient_key      TEXT NOT NULL,
    drug_code        TEXT NOT NULL,    -- YJ code
    drug_name        TEXT,
    institution_code TEXT NOT NULL,
    start_day        INTEGER NOT NULL, -- DateOnly.DayNumber, Japan time
    end_day          INTEGER NOT NULL, -- last day counted as taken
    inpatient        INTEGER NOT NULL,
    prescription_id  TEXT,             -- set for rows of a prescription not yet dispensed
    PRIMARY KEY (source, line)
);
CREATE INDEX ix_medication_courses_active ON medication_courses (patient_key, end_day);

-- Drug master versions the operator loaded after the shipped one (the newest is in force).
CREATE TABLE drug_master_versions (
    version          TEXT PRIMARY KEY,
    published_on     TEXT NOT NULL,
    loaded_at        BIGINT NOT NULL,
    loaded_by        TEXT NOT NULL,
    products         INTEGER NOT NULL,
    price_list       BLOB NOT NULL     -- the published CSV, gzip
);

-- Certificate revocation lists the operator uploaded, newest per issuer.
CREATE TABLE signature_crls (
    issuer           TEXT PRIMARY KEY,
    this_update      BIGINT NOT NULL,
    uploaded_at      BIGINT NOT NULL,
    crl              BLOB NOT NULL
);

-- Institutions that check their own past prescriptions too (the default excludes them).
CREATE TABLE prescription_settings (
    institution_code TEXT PRIMARY KEY,
    check_own        INTEGER NOT NULL,
    updated_at       BIGINT NOT NULL,
    updated_by       TEXT NOT NULL
);
