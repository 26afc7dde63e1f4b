// The prescription document (JP ePrescriptionData document Bundle) the prescriber's screen sends
// to /prescriptions/check, /prescriptions/demo-sign and /prescriptions: built from the patient on
// screen (their eligibility answer: name, birth date, insurance), the signed-in prescriber and the
// drug lines. Modelled on the guide's example Bundle-for-JP-MedReq-ePreBundleExample01; the server
// validates it against the profiles. Also the dispensing result a pharmacy registers.
import type { Bundle, Resource } from './fhir';

export const yjSystem = 'urn:oid:1.2.392.100495.20.1.73';
const unitSystem = 'urn:oid:1.2.392.100495.20.2.101';
const ucum = 'http://unitsofmeasure.org';
const profile = (name: string) => `http://jpfhir.jp/fhir/ePrescription/StructureDefinition/${name}`;
const core = (name: string) => `http://jpfhir.jp/fhir/core/StructureDefinition/${name}`;
const coreExtension = (name: string) => `http://jpfhir.jp/fhir/core/Extension/StructureDefinition/${name}`;
const representation = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
export const insurerNumberSystem = 'urn:oid:1.2.392.100495.20.3.61';
export const institutionNumberSystem = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const usageSystem = 'urn:oid:1.2.392.200250.2.2.20.20';

/** 用法: JAMI 16-digit usage codes of oral medicines (the guide's code system; the times per day is the 4th digit). */
export const usages = [
  { code: '1013044400000000', text: '内服・経口・１日３回朝昼夕食後' },
  { code: '1012040400000000', text: '内服・経口・１日２回朝夕食後' },
  { code: '1011000400000000', text: '内服・経口・１日１回朝食後' },
  { code: '1011040000000000', text: '内服・経口・１日１回夕食後' },
  { code: '1011100000000000', text: '内服・経口・１日１回就寝前' },
  { code: '1011000100000000', text: '内服・経口・１日１回朝食前' },
  { code: '1013011100000000', text: '内服・経口・１日３回朝昼夕食前' },
  { code: '1014144400000000', text: '内服・経口・１日４回朝昼夕食後と就寝前' },
  { code: '1022000000000000', text: '内服・経口・１日２回１２時間毎' },
  { code: '1023000000000000', text: '内服・経口・１日３回８時間毎' },
] as const;

/** How many times a day a usage code says (its 4th digit). */
export function timesPerDay(usageCode: string): number {
  return Number(usageCode.charAt(3)) || 1;
}

export function usageText(usageCode: string): string {
  return usages.find(u => u.code === usageCode)?.text ?? usageCode;
}

/** A product of the drug master (GET /prescriptions/drug-master/products). */
export interface DrugProduct {
  yjCode: string;
  name: string;
  ingredient?: string;
  strength?: string;
  route?: string;
  narcotic?: boolean;
  psychotropic?: boolean;
  newDrug?: boolean;
  poultice?: boolean;
}

/** Units of the dose (MERIT-9, as the guide's examples write them). */
export const units = [
  { code: 'TAB', unit: '錠' }, { code: 'CAP', unit: 'カプセル' }, { code: 'HO', unit: '包' }, { code: 'G', unit: 'g' },
  { code: 'ML', unit: 'mL' }, { code: 'MAI', unit: '枚' }, { code: 'HON', unit: '本' }, { code: 'KO', unit: '個' }, { code: 'DROP', unit: '滴' },
] as const;
export type UnitCode = typeof units[number]['code'];

export function unitText(code: string): string {
  return units.find(u => u.code === code)?.unit ?? code;
}

/** The unit a product is most likely given in, from its name (錠, カプセル, 散・細粒 → g, 貼付剤 → 枚…). */
export function guessUnit(product: DrugProduct): UnitCode {
  const name = product.name.normalize('NFKC');
  if (/カプセル/.test(name)) return 'CAP';
  if (/錠/.test(name)) return 'TAB';
  if (/(散|細粒|顆粒|ドライシロップ)/.test(name)) return 'G';
  if (/(シロップ|液|内用)/.test(name)) return 'ML';
  if (/(テープ|パップ|貼付|パッチ|シップ)/.test(name) || product.poultice) return 'MAI';
  if (/(点眼|点鼻|注|ゲル|軟膏|クリーム|ローション)/.test(name)) return 'HON';
  return 'TAB';
}

/** Why a product may not be on a refill prescription (麻薬, 向精神薬, 新医薬品, 湿布薬): empty when it may. */
export function refillBarriers(product: DrugProduct): ('narcotic' | 'psychotropic' | 'newDrug' | 'poultice')[] {
  return (['narcotic', 'psychotropic', 'newDrug', 'poultice'] as const).filter(flag => product[flag] === true);
}

/** One line of the prescription: the product, 1回量 and unit, 用法 (a usage code), 日数. */
export interface DrugLine {
  product: DrugProduct;
  dose: number;
  unit: UnitCode;
  usage: string;
  days: number;
}

/** 1回量 × 1日回数 × 日数: what the pharmacy dispenses. */
export function totalQuantity(line: Pick<DrugLine, 'dose' | 'usage' | 'days'>): number {
  return Math.round(line.dose * timesPerDay(line.usage) * line.days * 1000) / 1000;
}

/** The instruction as printed: 内服・経口・１日３回朝昼夕食後　１回１錠　７日分. */
export function instructionText(line: Pick<DrugLine, 'dose' | 'unit' | 'usage' | 'days'>): string {
  return `${usageText(line.usage)}　１回${line.dose}${unitText(line.unit)}　${line.days}日分`;
}

/** The patient on screen, as the eligibility check answered. */
export interface PrescriptionPatient {
  id?: string;
  name: string;
  nameKana?: string;
  birthDate: string;
  gender?: string;
}

/** The insurance the eligibility check found (保険者番号, 記号, 番号, 枝番, 本人・家族, 負担割合). */
export interface PrescriptionCoverage {
  insurerNumber: string;
  insurerName?: string;
  symbol?: string;
  number: string;
  branch?: string;
  relationship?: string;
  copayPercent?: number;
}

/** The prescriber and the issuing institution as the document names them (処方箋に記載する事項). */
export interface Prescriber {
  /** The 10-digit 医療機関コード (prefecture 2, fee table 1, number 7). */
  institutionCode: string;
  institutionName: string;
  address: string;
  phone: string;
  name: string;
  /** 医籍（歯科医籍）登録番号. */
  licenseNumber: string;
  role: string;
}

export interface PrescriptionInput {
  patient: PrescriptionPatient;
  coverage: PrescriptionCoverage;
  prescriber: Prescriber;
  lines: DrugLine[];
  /** 0 (no refill), or the uses of a refill prescription beyond the first: 1 or 2 (リフィル 2回 / 3回). */
  repeats: number;
  /** The instant it is written, as an ISO instant. */
  now: string;
  /** A new UUID (crypto.randomUUID in the browser; fixed in tests). */
  uuid: () => string;
}

/** An ISO instant as Japan's time with its offset: 2026-11-25T14:05:00+09:00. */
export function japanDateTime(instant: string): string {
  const japan = new Date(new Date(instant).getTime() + 9 * 3600 * 1000).toISOString();
  return `${japan.slice(0, 19)}+09:00`;
}

function names(kanji: string, kana: string | undefined) {
  const split = (text: string) => {
    const [family = text, ...given] = text.trim().split(/[\s　]+/);
    return given.length > 0 ? { family, given: [given.join(' ')] } : { family };
  };
  const result: Record<string, unknown>[] = [{ extension: [{ url: representation, valueCode: 'IDE' }], use: 'official', text: kanji.trim(), ...split(kanji) }];
  if (kana?.trim()) result.push({ extension: [{ url: representation, valueCode: 'SYL' }], use: 'official', text: kana.trim(), ...split(kana) });
  return result;
}

const days = (n: number) => ({ value: n, unit: '日', system: ucum, code: 'd' });

function medicationRequest(line: DrugLine, index: number, input: PrescriptionInput, refs: { patient: string }): Resource {
  const unit = { value: line.dose, unit: unitText(line.unit), system: unitSystem, code: line.unit };
  const instruction = instructionText(line);
  const request: Resource = {
    resourceType: 'MedicationRequest',
    meta: { profile: [core('JP_MedicationRequest'), profile('JP_MedicationRequest_ePrescriptionData')] },
    identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.81', value: String(index + 1) }, { system: 'urn:oid:1.2.392.100495.20.3.82', value: '1' }],
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: yjSystem, code: line.product.yjCode, display: line.product.name }], text: line.product.name },
    subject: { reference: refs.patient },
    authoredOn: japanDateTime(input.now),
    dosageInstruction: [{
      text: instruction,
      extension: [{ url: coreExtension('JP_MedicationRequest_DosageInstruction_UsageDuration'), valueDuration: days(line.days) }],
      timing: { repeat: { boundsDuration: days(line.days) }, code: { coding: [{ system: usageSystem, code: line.usage, display: usageText(line.usage) }] } },
      doseAndRate: [{
        type: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.22', code: '1', display: '製剤量' }] },
        doseQuantity: unit,
        rateRatio: { numerator: { ...unit, value: Math.round(line.dose * timesPerDay(line.usage) * 1000) / 1000 }, denominator: { value: 1, unit: '日', system: ucum, code: 'd' } },
      }],
    }],
    dispenseRequest: {
      quantity: { value: totalQuantity(line), unit: unitText(line.unit), system: unitSystem, code: line.unit },
      expectedSupplyDuration: days(line.days),
      ...(input.repeats > 0 ? { numberOfRepeatsAllowed: input.repeats } : {}),
    },
  };
  return request;
}

/** The prescription document: Composition first, then the patient, encounter, insurance, issuer, prescriber and the drug lines. */
export function buildPrescription(input: PrescriptionInput): Bundle {
  const url = () => `urn:uuid:${input.uuid()}`;
  const refs = { composition: url(), patient: url(), encounter: url(), coverage: url(), insurer: url(), issuer: url(), author: url() };
  const { patient, coverage, prescriber } = input;
  const written = japanDateTime(input.now);
  const code = prescriber.institutionCode;

  const patientResource: Resource = {
    resourceType: 'Patient',
    meta: { profile: [core('JP_Patient'), profile('JP_Patient_ePrescriptionData')] },
    identifier: [{ system: `urn:oid:1.2.392.100495.20.3.51.1${code}`, value: patient.id ?? '' }],
    name: names(patient.name, patient.nameKana),
    ...(patient.gender ? { gender: patient.gender } : {}),
    birthDate: patient.birthDate,
  };
  if (!patient.id) delete patientResource.identifier;

  const extensions = [
    ...(coverage.symbol ? [{ url: coreExtension('JP_Coverage_InsuredPersonSymbol'), valueString: coverage.symbol }] : []),
    { url: coreExtension('JP_Coverage_InsuredPersonNumber'), valueString: coverage.number },
    ...(coverage.branch ? [{ url: coreExtension('JP_Coverage_InsuredPersonSubNumber'), valueString: coverage.branch }] : []),
  ];
  const relationship = coverage.relationship === '2' ? { code: '2', display: '被扶養者' } : { code: '1', display: '被保険者' };
  const coverageResource: Resource = {
    resourceType: 'Coverage',
    meta: { profile: [core('JP_Coverage'), profile('JP_Coverage_ePrescriptionData_insurance')] },
    extension: extensions,
    status: 'active',
    type: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.61', code: '1' }] },
    beneficiary: { reference: refs.patient },
    ...(coverage.branch ? { dependent: coverage.branch } : {}),
    relationship: { coding: [{ system: 'urn:oid:1.2.392.100495.20.2.62', ...relationship }] },
    payor: [{ reference: refs.insurer }],
    ...(coverage.copayPercent !== undefined ? {
      costToBeneficiary: [{
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-copay-type', code: 'copaypct', display: '負担率' }] },
        valueQuantity: { value: coverage.copayPercent, unit: '%', system: ucum, code: '%' },
      }],
    } : {}),
  };
  const insurer: Resource = {
    resourceType: 'Organization',
    meta: { profile: [profile('JP_Organization_ePrescriptionData_coveragePayer')] },
    identifier: [{ system: insurerNumberSystem, value: coverage.insurerNumber }],
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'ins' }] }],
    name: coverage.insurerName || coverage.insurerNumber,
  };
  const issuer: Resource = {
    resourceType: 'Organization',
    meta: { profile: [core('JP_Organization'), profile('JP_Organization_ePrescriptionData_issuer')] },
    extension: [
      { url: coreExtension('JP_Organization_PrefectureNo'), valueCoding: { system: 'urn:oid:1.2.392.100495.20.3.21', code: code.slice(0, 2) } },
      { url: coreExtension('JP_Organization_InsuranceOrganizationCategory'), valueCoding: { system: 'urn:oid:1.2.392.100495.20.3.22', code: code.slice(2, 3) } },
      { url: coreExtension('JP_Organization_InsuranceOrganizationNo'), valueIdentifier: { system: 'urn:oid:1.2.392.100495.20.3.23', value: code.slice(3) } },
    ],
    identifier: [{ system: institutionNumberSystem, value: code }],
    type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov' }] }],
    name: prescriber.institutionName,
    telecom: [{ system: 'phone', value: prescriber.phone }],
    address: [{ text: prescriber.address, country: 'JP' }],
  };
  const author: Resource = {
    resourceType: 'Practitioner',
    meta: { profile: [core('JP_Practitioner'), profile('JP_Practitioner_ePrescriptionData_author')] },
    name: names(prescriber.name, undefined),
    qualification: [{
      identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.31', value: prescriber.licenseNumber }],
      code: { coding: [{ system: 'http://jpfhir.jp/fhir/core/CodeSystem/practitioner_certificate_category', code: prescriber.role === 'dentist' ? 'DentalDoctorLicense' : 'MedicalDoctorLicense' }] },
    }],
  };
  const encounter: Resource = {
    resourceType: 'Encounter',
    meta: { profile: [core('JP_Encounter'), profile('JP_Encounter_ePrescriptionData')] },
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: '外来' },
  };
  const requests = input.lines.map((line, i) => ({ fullUrl: url(), resource: medicationRequest(line, i, input, refs) }));
  const composition: Resource = {
    resourceType: 'Composition',
    meta: { profile: [profile('JP_Composition_ePrescriptionData')] },
    language: 'ja',
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber', valueString: '1' }],
    identifier: { system: 'http://jpfhir.jp/fhir/Common/IdSystem/resourceInstance-identifier', value: input.uuid() },
    status: 'final',
    type: { coding: [{ system: 'http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes', code: '57833-6', display: '処方箋' }] },
    category: [{ coding: [{ system: 'http://jpfhir.jp/fhir/ePrescription/CodeSystem/prescription-category', code: '01', display: '一般処方箋' }] }],
    subject: { reference: refs.patient },
    encounter: { reference: refs.encounter },
    date: written,
    author: [{ reference: refs.author }, { reference: refs.issuer }],
    title: '処方箋',
    custodian: { reference: refs.issuer },
    event: [{ code: [{ text: '処方箋交付' }], period: { start: written.slice(0, 10) } }],
    section: [{
      title: '処方情報',
      code: { coding: [{ system: 'http://jpfhir.jp/fhir/ePrescription/CodeSystem/prescription-section', code: '01', display: '処方情報セクション' }] },
      entry: [{ reference: refs.coverage }, { reference: refs.insurer }, ...requests.map(r => ({ reference: r.fullUrl }))],
    }],
  };
  return {
    resourceType: 'Bundle',
    meta: { profile: [profile('JP_Bundle_ePrescriptionData')] },
    identifier: { system: 'urn:ietf:rfc:3986', value: url() },
    type: 'document',
    timestamp: written,
    entry: [
      { fullUrl: refs.composition, resource: composition },
      { fullUrl: refs.patient, resource: patientResource },
      { fullUrl: refs.encounter, resource: encounter },
      { fullUrl: refs.coverage, resource: coverageResource },
      { fullUrl: refs.insurer, resource: insurer },
      { fullUrl: refs.issuer, resource: issuer },
      { fullUrl: refs.author, resource: author },
      ...requests,
    ],
  } as Bundle;
}

/** One line of a prescription as a pharmacy reads it. */
export interface PrescribedLine {
  yjCode: string;
  name: string;
  instruction: string;
  quantity: number;
  unit: string;
  unitCode: string;
  days: number | null;
}

/** What a screen shows of a prescription document: the patient, the institution, the prescriber and the lines. */
export interface PrescriptionView {
  patientName: string;
  patientKana: string;
  birthDate: string;
  gender: string;
  institutionName: string;
  institutionCode: string;
  prescriberName: string;
  insurerNumber: string;
  insured: string;
  uses: number;
  written: string;
  lines: PrescribedLine[];
}

type Json = Record<string, any>;

function nameOf(names: Json[] | undefined, rep: 'IDE' | 'SYL'): string {
  const found = (names ?? []).find(n => (n.extension as Json[] | undefined)?.some(e => e.valueCode === rep)) ?? (rep === 'IDE' ? names?.[0] : undefined);
  return found ? String(found.text ?? [found.family, ...(found.given ?? [])].filter(Boolean).join(' ')) : '';
}

/** Reads a prescription document Bundle (as the server stored it) for display and for prefilling the dispensing. */
export function readPrescription(bundle: unknown): PrescriptionView {
  const entries = ((bundle as Json | null)?.entry as Json[] | undefined ?? []).map(e => e.resource as Json).filter(Boolean);
  const first = (type: string) => entries.find(r => r.resourceType === type);
  const patient = first('Patient');
  const issuer = entries.find(r => r.resourceType === 'Organization' && (r.identifier as Json[] | undefined)?.some(i => String(i.system).endsWith('insurance-medical-institution-no')));
  const insurer = entries.find(r => r.resourceType === 'Organization' && (r.identifier as Json[] | undefined)?.some(i => i.system === insurerNumberSystem));
  const coverage = entries.find(r => r.resourceType === 'Coverage' && (r.extension as Json[] | undefined)?.some(e => String(e.url).endsWith('InsuredPersonNumber')));
  const ext = (name: string) => String((coverage?.extension as Json[] | undefined)?.find(e => String(e.url).endsWith(name))?.valueString ?? '');
  const requests = entries.filter(r => r.resourceType === 'MedicationRequest');
  const lines = requests.map((r): PrescribedLine => {
    const concept = r.medicationCodeableConcept as Json | undefined;
    const yj = (concept?.coding as Json[] | undefined)?.find(c => c.system === yjSystem);
    const quantity = r.dispenseRequest?.quantity as Json | undefined;
    const duration = r.dispenseRequest?.expectedSupplyDuration as Json | undefined;
    return {
      yjCode: String(yj?.code ?? ''),
      name: String(concept?.text ?? yj?.display ?? yj?.code ?? ''),
      instruction: String((r.dosageInstruction as Json[] | undefined)?.map(d => d.text).filter(Boolean).join('／') ?? ''),
      quantity: Number(quantity?.value ?? 0),
      unit: String(quantity?.unit ?? ''),
      unitCode: String(quantity?.code ?? ''),
      days: typeof duration?.value === 'number' ? duration.value : null,
    };
  });
  return {
    patientName: nameOf(patient?.name as Json[] | undefined, 'IDE'),
    patientKana: nameOf(patient?.name as Json[] | undefined, 'SYL'),
    birthDate: String(patient?.birthDate ?? ''),
    gender: String(patient?.gender ?? ''),
    institutionName: String(issuer?.name ?? ''),
    institutionCode: String((issuer?.identifier as Json[] | undefined)?.find(i => String(i.system).endsWith('insurance-medical-institution-no'))?.value ?? ''),
    prescriberName: nameOf(first('Practitioner')?.name as Json[] | undefined, 'IDE'),
    insurerNumber: String((insurer?.identifier as Json[] | undefined)?.find(i => i.system === insurerNumberSystem)?.value ?? ''),
    insured: [ext('InsuredPersonSymbol') || '—', ext('InsuredPersonNumber'), ext('InsuredPersonSubNumber') || '—'].join(' ・ '),
    uses: 1 + Math.max(0, ...requests.map(r => Number(r.dispenseRequest?.numberOfRepeatsAllowed ?? 0))),
    written: String(first('Composition')?.date ?? ''),
    lines,
  };
}

/** What the pharmacy dispensed of one line (prefilled from the prescription). */
export interface DispensedLine {
  yjCode: string;
  name: string;
  quantity: number;
  unit: string;
  unitCode: string;
  days: number | null;
  instruction: string;
}

/** The dispensing result: a collection Bundle of MedicationDispenses (the server adds the patient, the prescription and the pharmacy). */
export function buildDispensing(lines: DispensedLine[], now: string, uuid: () => string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: japanDateTime(now),
    entry: lines.map(line => ({
      fullUrl: `urn:uuid:${uuid()}`,
      resource: {
        resourceType: 'MedicationDispense',
        status: 'completed',
        medicationCodeableConcept: { coding: [{ system: yjSystem, code: line.yjCode, display: line.name }], text: line.name },
        quantity: { value: line.quantity, unit: line.unit, ...(line.unitCode ? { system: unitSystem, code: line.unitCode } : {}) },
        ...(line.days ? { daysSupply: days(line.days) } : {}),
        whenHandedOver: japanDateTime(now),
        dosageInstruction: [{ text: line.instruction }],
      },
    })),
  } as Bundle;
}
