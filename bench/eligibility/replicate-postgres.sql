-- Replicates the persons of the eligibility index :copies times (suffix -kN on ids, kN on numbers):
--   psql -v copies=9 … -f replicate-postgres.sql   (100k loaded → 1M)
-- the Coverage and Patient pointers, the Patient versions, the qualification rows. For measuring
-- lookups at 1M persons; not loaded through the API (no search-index rows, no audit rows).
CREATE TEMP TABLE k AS SELECT generate_series(1, :copies) AS n;
INSERT INTO resources (resource_type, id, version_id, last_updated, is_deleted, shard_key)
  SELECT r.resource_type, r.id || '-k' || k.n, r.version_id, r.last_updated, r.is_deleted, r.shard_key || '-k' || k.n
  FROM resources r, k WHERE r.resource_type IN ('Patient', 'Coverage') AND r.id LIKE 's42-%' AND r.id NOT LIKE '%-k%';
INSERT INTO resource_versions (resource_type, id, version_id, last_updated, is_deleted, method, shard_key, data)
  SELECT v.resource_type, v.id || '-k' || k.n, v.version_id, v.last_updated, v.is_deleted, v.method, v.shard_key || '-k' || k.n, v.data
  FROM resource_versions v JOIN resources r ON r.resource_type = v.resource_type AND r.id = v.id AND r.version_id = v.version_id, k
  WHERE v.resource_type = 'Patient' AND v.id LIKE 's42-%' AND v.id NOT LIKE '%-k%';
INSERT INTO eligibility_qualifications (coverage_id, member_key, member_prefix, card_key, patient_id, insurer_number, symbol, number, branch,
    insurance_type, relationship, insurer_name, valid_from, valid_until, copay_percent, limit_category, specific_diseases)
  SELECT q.coverage_id || '-k' || k.n,
    substr(q.member_prefix, 1, length(q.member_prefix) - 1) || 'k' || k.n || ':' || q.branch,
    substr(q.member_prefix, 1, length(q.member_prefix) - 1) || 'k' || k.n || ':',
    NULL, q.patient_id || '-k' || k.n, q.insurer_number, q.symbol, q.number || 'k' || k.n, q.branch,
    q.insurance_type, q.relationship, q.insurer_name, q.valid_from, q.valid_until, q.copay_percent, q.limit_category, q.specific_diseases
  FROM eligibility_qualifications q, k WHERE q.coverage_id NOT LIKE '%-k%';
ANALYZE;
SELECT count(*) FROM eligibility_qualifications;
