import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDispensing, buildPrescription, type DrugLine, japanDateTime, readPrescription, refillBarriers, timesPerDay, totalQuantity, yjSystem } from '../lib/prescription';

const line: DrugLine = { product: { yjCode: '1149019F1560', name: 'ロキソニン錠６０ｍｇ', poultice: false }, dose: 1, unit: 'TAB', usage: '1013044400000000', days: 7 };

function build(repeats = 0) {
  let n = 0;
  return buildPrescription({
    patient: { id: 'p1', name: '山田 太郎', nameKana: 'ヤマダ タロウ', birthDate: '1965-04-12', gender: 'male' },
    coverage: { insurerNumber: '06139992', insurerName: '健保', symbol: '1234', number: '5678', branch: '01', relationship: '1', copayPercent: 30 },
    prescriber: { institutionCode: '1311234569', institutionName: '架け橋デモ病院', address: '東京都', phone: '03-0000-0000', name: '医師 一郎', licenseNumber: '123456', role: 'doctor' },
    lines: [line, { ...line, product: { yjCode: '2171022F1023', name: 'アムロジピン錠５ｍｇ' }, usage: '1011000400000000', days: 28 }],
    repeats, now: '2026-11-25T05:05:00Z', uuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  });
}

test('the document starts with its Composition, whose section names the insurance and every line', () => {
  const bundle = build() as unknown as { type: string; timestamp: string; entry: { fullUrl: string; resource: Record<string, any> }[] };
  assert.equal(bundle.type, 'document');
  assert.equal(bundle.timestamp, '2026-11-25T14:05:00+09:00');
  const [composition, ...rest] = bundle.entry;
  assert.equal(composition!.resource.resourceType, 'Composition');
  const urls = new Set(bundle.entry.map(e => e.fullUrl));
  const sectionRefs: string[] = composition!.resource.section[0].entry.map((e: { reference: string }) => e.reference);
  assert.ok(sectionRefs.every(r => urls.has(r)), 'every section entry resolves inside the Bundle');
  assert.equal(rest.filter(e => e.resource.resourceType === 'MedicationRequest').length, 2);
});

test('the insured person: 記号・番号・枝番 on the Coverage, the insurer number on its payor', () => {
  const bundle = build() as unknown as { entry: { fullUrl: string; resource: Record<string, any> }[] };
  const coverage = bundle.entry.find(e => e.resource.resourceType === 'Coverage')!.resource;
  const ext = (name: string) => coverage.extension.find((x: { url: string }) => x.url.endsWith(name))?.valueString;
  assert.deepEqual([ext('InsuredPersonSymbol'), ext('InsuredPersonNumber'), ext('InsuredPersonSubNumber')], ['1234', '5678', '01']);
  const payor = bundle.entry.find(e => e.fullUrl === coverage.payor[0].reference)!.resource;
  assert.deepEqual(payor.identifier, [{ system: 'urn:oid:1.2.392.100495.20.3.61', value: '06139992' }]);
});

test('a line: YJ code, usage code, dose, quantity and days; refills on every line', () => {
  const bundle = build(2) as unknown as { entry: { resource: Record<string, any> }[] };
  const requests = bundle.entry.map(e => e.resource).filter(r => r.resourceType === 'MedicationRequest');
  const first = requests[0]!;
  assert.deepEqual(first.medicationCodeableConcept.coding[0], { system: yjSystem, code: '1149019F1560', display: 'ロキソニン錠６０ｍｇ' });
  assert.equal(first.dosageInstruction[0].timing.code.coding[0].code, '1013044400000000');
  assert.equal(first.dosageInstruction[0].doseAndRate[0].doseQuantity.value, 1);
  assert.deepEqual(first.dispenseRequest.quantity, { value: 21, unit: '錠', system: 'urn:oid:1.2.392.100495.20.2.101', code: 'TAB' });
  assert.equal(first.dispenseRequest.expectedSupplyDuration.value, 7);
  assert.ok(requests.every(r => r.dispenseRequest.numberOfRepeatsAllowed === 2));
  assert.equal((build(0) as unknown as { entry: { resource: Record<string, any> }[] }).entry.some(e => e.resource.dispenseRequest?.numberOfRepeatsAllowed !== undefined), false);
});

test('read back for the pharmacy, and the dispensing result', () => {
  const view = readPrescription(build(1));
  assert.equal(view.patientName, '山田 太郎');
  assert.equal(view.patientKana, 'ヤマダ タロウ');
  assert.equal(view.insured, '1234 ・ 5678 ・ 01');
  assert.equal(view.uses, 2);
  assert.equal(view.lines[1]!.quantity, 28);
  const dispensing = buildDispensing(view.lines, '2026-11-26T01:00:00Z', () => 'u') as unknown as { type: string; entry: { resource: Record<string, any> }[] };
  assert.equal(dispensing.type, 'collection');
  assert.equal(dispensing.entry[0]!.resource.medicationCodeableConcept.coding[0].code, '1149019F1560');
  assert.equal(dispensing.entry[0]!.resource.daysSupply.value, 7);
});

test('times a day from the usage code, totals, refill barriers and Japan time', () => {
  assert.equal(timesPerDay('1012040400000000'), 2);
  assert.equal(totalQuantity({ dose: 0.5, usage: '1013044400000000', days: 14 }), 21);
  assert.deepEqual(refillBarriers({ yjCode: 'x', name: 'x', psychotropic: true, poultice: true }), ['psychotropic', 'poultice']);
  assert.deepEqual(refillBarriers(line.product), []);
  assert.equal(japanDateTime('2026-12-31T15:30:00Z'), '2027-01-01T00:30:00+09:00');
});
