import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Bundle } from '../lib/fhir';
import { groupItems, institutionCode, isUninformed, narrative, readDocument, sourceInstitution } from '../lib/sharing';

test('an institution code is 10 digits, full-width and hyphens read', () => {
  assert.equal(institutionCode('1311234567'), '1311234567');
  assert.equal(institutionCode('１３１１２３４５６７'), '1311234567');
  assert.equal(institutionCode('13-1-1234567'), '1311234567');
  assert.equal(institutionCode('131123456'), null);
  assert.equal(institutionCode('13112345678'), null);
  assert.equal(institutionCode('131123456X'), null);
});

const uninformed = {
  resourceType: 'Condition', id: 'c1', code: { text: '膵癌' },
  meta: { tag: [{ system: 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication', code: 'UNINFORMED' }] },
  extension: [{ url: 'http://jpfhir.jp/fhir/clins/Extension/StructureDefinition/JP_eCS_InstitutionNumber', valueIdentifier: { value: '1318814790' } }],
};

test('未告知 and the source institution come from the JP-CLINS tag and extension', () => {
  assert.equal(isUninformed(uninformed), true);
  assert.equal(isUninformed({ resourceType: 'Condition' }), false);
  assert.deepEqual(sourceInstitution(uninformed), { code: '1318814790', name: '' });
});

test('the six items are grouped by kind', () => {
  const bundle: Bundle = {
    resourceType: 'Bundle', entry: [
      { resource: uninformed },
      { resource: { resourceType: 'AllergyIntolerance', category: ['food'], code: { text: 'そば' } } },
      { resource: { resourceType: 'AllergyIntolerance', category: ['medication'], code: { text: 'ペニシリン' } } },
      { resource: { resourceType: 'Observation', code: { coding: [{ code: '3D010000001926101' }], text: 'HbA1c' } } },
      { resource: { resourceType: 'Observation', category: [{ coding: [{ code: 'infection' }] }], code: { text: 'HBs抗原' } } },
      { resource: { resourceType: 'MedicationRequest', medicationCodeableConcept: { text: 'アムロジピン' } } },
      { resource: { resourceType: 'OperationOutcome' }, search: { mode: 'outcome' } },
    ],
  };
  const groups = groupItems(bundle);
  assert.deepEqual(Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, v.length])),
    { diagnoses: 1, allergies: 1, infections: 1, contraindications: 1, labs: 1, prescriptions: 1 });
});

test('a document reads as its sections; the narrative never as markup', () => {
  assert.equal(narrative('<div xmlns="http://www.w3.org/1999/xhtml"><p>胸痛&amp;息切れ</p><script>x</script>2行目<br/>3行目</div>'), '胸痛&息切れ\nx2行目\n3行目');
  const doc = readDocument({
    resourceType: 'Bundle', entry: [
      { fullUrl: 'urn:uuid:c', resource: { resourceType: 'Composition', title: '診療情報提供書', date: '2026-12-01', author: [{ reference: 'urn:uuid:o' }],
        section: [{ title: '紹介目的', text: { div: '<div>精査依頼</div>' } }, { title: '傷病名', entry: [{ reference: 'urn:uuid:d' }] }, { title: '空', entry: [] }] } },
      { fullUrl: 'urn:uuid:o', resource: { resourceType: 'Organization', name: '架け橋クリニック' } },
      { fullUrl: 'urn:uuid:d', resource: uninformed },
    ],
  });
  assert.equal(doc?.institution, '架け橋クリニック');
  assert.deepEqual(doc?.sections.map(s => [s.title, s.text, s.entries]), [['紹介目的', '精査依頼', []], ['傷病名', '', ['膵癌（未告知）']]]);
});
