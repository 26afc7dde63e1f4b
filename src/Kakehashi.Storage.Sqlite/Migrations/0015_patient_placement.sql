-- Resources that name their patient by an absolute URL of a Patient stored here, or by an
-- identifier only (JP-CLINS: subject.identifier = the insured member id), now belong to that
-- patient's compartment, and ones that name a patient the server cannot place to the unlinked
-- compartment 'Patient/' (PatientCompartments). Until now they were nobody's data, visible to
-- every role: the types that hold such rows are derived again at the next start (CompartmentRefresh).
INSERT INTO compartment_refresh (resource_type)
SELECT DISTINCT resource_type FROM resources
WHERE shard_key NOT LIKE 'Patient/%'
  AND resource_type NOT IN ('Patient', 'Bundle', 'Organization', 'Practitioner', 'PractitionerRole', 'Location',
                            'HealthcareService', 'Endpoint', 'Medication', 'CodeSystem', 'ValueSet', 'ConceptMap',
                            'NamingSystem', 'StructureDefinition', 'SearchParameter', 'OperationDefinition',
                            'CapabilityStatement', 'ImplementationGuide', 'Questionnaire', 'AuditEvent')
ON CONFLICT (resource_type) DO NOTHING;
