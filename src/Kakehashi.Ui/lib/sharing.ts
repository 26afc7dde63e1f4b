// 電子カルテ情報共有サービス as the screens read it (docs/sharing.md): the document metadata of the
// inbox and sent lists, a document Bundle's Composition as readable sections, and the 6情報
// (clinical items) grouped by kind with the institution each came from and the 未告知 flag.
import type { Bundle, Reference, Resource } from './fhir';
import { resourcesOf } from './fhir';
import type { Observation } from './fhirTypes';
import type { CodeableConcept } from './format';
import { concept } from './format';

export type DocumentStatus = 'new' | 'retrieved' | 'acknowledged';

/** One document as /sharing/inbox, /sharing/sent and the document calls describe it. */
export interface DocumentMetadata {
  id: string;
  kind: string;
  sender: { code: string; name?: string | null };
  recipient?: { code: string; name?: string | null } | null;
  patient: string;
  date?: string | null;
  submitted: string;
  status: DocumentStatus;
  retrieved?: string | null;
  acknowledged?: string | null;
  superseded?: boolean;
  document?: Bundle;
}

const indicationSystem = 'http://jpfhir.jp/fhir/clins/CodeSystem/JP_ehrshrs_indication';
const institutionSystem = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';

/** 医療機関コード: 10 digits (full-width digits read as such). */
export function institutionCode(text: string): string | null {
  const code = text.normalize('NFKC').replace(/[\s-]/g, '');
  return /^\d{10}$/.test(code) ? code : null;
}

/** A diagnosis the doctor has not yet told the patient (未告知): other institutions see a notice. */
export function isUninformed(resource: Resource): boolean {
  return (resource.meta?.tag ?? []).some(t => t.system === indicationSystem && t.code === 'UNINFORMED');
}

interface Extension { url: string; valueIdentifier?: { system?: string; value?: string; assigner?: { display?: string } }; valueReference?: Reference; valueString?: string }

/** The institution a clinical item came from: its 医療機関コード extension (JP-CLINS) and a name when given. */
export function sourceInstitution(resource: Resource): { code: string; name: string } | null {
  const extensions = (resource.extension as Extension[] | undefined) ?? [];
  for (const e of extensions) {
    if (e.url.endsWith('InstitutionNumber') || e.url.endsWith('source-institution')) {
      const code = e.valueIdentifier?.value ?? e.valueReference?.identifier?.value ?? '';
      const name = e.valueIdentifier?.assigner?.display ?? e.valueReference?.display ?? e.valueString ?? '';
      if (code || name) return { code, name };
    }
  }
  for (const element of ['recorder', 'asserter', 'requester', 'performer']) {
    const value = resource[element] as Reference | Reference[] | undefined;
    const ref = Array.isArray(value) ? value[0] : value;
    if (ref?.identifier?.system === institutionSystem || ref?.display) return { code: ref.identifier?.value ?? '', name: ref.display ?? '' };
  }
  return null;
}

export type ItemKind = 'diagnoses' | 'allergies' | 'infections' | 'contraindications' | 'labs' | 'prescriptions';
export const itemKinds: readonly ItemKind[] = ['diagnoses', 'allergies', 'contraindications', 'infections', 'labs', 'prescriptions'];

const infectionCodes = new Set(['5H010', '5E071', '5E072', '5F016', '5F360', '5F364', '5F369', '5F381']);

function categoryCodes(resource: Resource): string[] {
  const category = resource.category as CodeableConcept[] | CodeableConcept | string[] | undefined;
  const list = Array.isArray(category) ? category : category ? [category] : [];
  return list.flatMap(c => (typeof c === 'string' ? [c] : (c.coding ?? []).map(x => x.code ?? '')));
}

/** Which of the 6情報 a resource is. */
export function itemKind(resource: Resource): ItemKind | null {
  switch (resource.resourceType) {
    case 'Condition': return 'diagnoses';
    case 'MedicationRequest': return 'prescriptions';
    case 'AllergyIntolerance': {
      const codes = categoryCodes(resource);
      return codes.includes('medication') || resource.type === 'intolerance' && codes.length === 0 ? 'contraindications' : 'allergies';
    }
    case 'Observation': {
      const codes = categoryCodes(resource);
      const coding = ((resource as Observation).code?.coding ?? []).map(c => c.code ?? '');
      return codes.includes('infection') || coding.some(c => infectionCodes.has(c.slice(0, 5))) ? 'infections' : 'labs';
    }
    default: return null;
  }
}

/** The clinical items of a $clinical-items or $emergency-summary Bundle, by kind, in the order the server sent them. */
export function groupItems(bundle: Bundle): Record<ItemKind, Resource[]> {
  const groups: Record<ItemKind, Resource[]> = { diagnoses: [], allergies: [], infections: [], contraindications: [], labs: [], prescriptions: [] };
  for (const type of ['Condition', 'AllergyIntolerance', 'Observation', 'MedicationRequest']) {
    for (const resource of resourcesOf(bundle, type)) {
      const kind = itemKind(resource);
      if (kind) groups[kind].push(resource);
    }
  }
  return groups;
}

/** The text a clinical item is known by: the diagnosis, the allergen, the drug, the test. */
export function itemText(resource: Resource): { text: string; codes: string[] } {
  const code = (resource.code ?? resource.medicationCodeableConcept) as CodeableConcept | undefined;
  return concept(code);
}

/** The date an item is dated by: onset or recorded (diagnoses), effective (labs), authored (prescriptions). */
export function itemDate(resource: Resource): string | undefined {
  for (const element of ['onsetDateTime', 'recordedDate', 'effectiveDateTime', 'authoredOn', 'issued']) {
    const value = resource[element];
    if (typeof value === 'string') return value;
  }
  const period = resource.onsetPeriod as { start?: string } | undefined;
  return period?.start;
}

export interface DocumentSection {
  code: string;
  title: string;
  text: string;
  entries: string[];
}

export interface ReadableDocument {
  title: string;
  date: string | undefined;
  author: string;
  institution: string;
  sections: DocumentSection[];
}

interface Section { title?: string; code?: CodeableConcept; text?: { div?: string }; entry?: Reference[]; section?: Section[] }
interface Composition extends Resource { title?: string; date?: string; author?: Reference[]; custodian?: Reference; section?: Section[] }

/** The narrative of a section as plain text (line breaks kept, markup dropped: never rendered as HTML). */
export function narrative(div: string | undefined): string {
  if (!div) return '';
  return div
    .replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|div|li|tr)>/gi, '\n').replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, '\'').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&')
    .split('\n').map(l => l.trim()).filter(Boolean).join('\n');
}

function display(resource: Resource | undefined): string {
  if (!resource) return '';
  switch (resource.resourceType) {
    case 'Organization': case 'Practitioner': {
      const name = resource.name as string | { text?: string; family?: string; given?: string[] }[] | undefined;
      if (typeof name === 'string') return name;
      const first = name?.[0];
      return first?.text ?? [first?.family, ...(first?.given ?? [])].filter(Boolean).join(' ');
    }
    case 'PractitionerRole': return '';
    default: {
      const text = itemText(resource).text;
      const dosage = (resource.dosageInstruction as { text?: string }[] | undefined)?.[0]?.text;
      const value = (resource as Observation).valueQuantity;
      const note = resource.resourceType === 'Condition' && isUninformed(resource) ? '（未告知）' : '';
      return [text + note, value?.value !== undefined ? `${value.value}${value.unit ?? ''}` : '', dosage ?? ''].filter(Boolean).join('　');
    }
  }
}

/** A document Bundle (紹介状, 退院時サマリー) as sections to read: its Composition's sections with their narrative and entries. */
export function readDocument(bundle: Bundle): ReadableDocument | null {
  const byUrl = new Map<string, Resource>();
  for (const e of bundle.entry ?? []) {
    if (!e.resource) continue;
    if (e.fullUrl) byUrl.set(e.fullUrl, e.resource);
    if (e.resource.id) byUrl.set(`${e.resource.resourceType}/${e.resource.id}`, e.resource);
  }
  const composition = resourcesOf<Composition>(bundle, 'Composition')[0];
  if (!composition) return null;
  const resolve = (ref: Reference | undefined) => (ref?.reference ? byUrl.get(ref.reference) : undefined);
  const authors = (composition.author ?? []).map(resolve);
  const sections: DocumentSection[] = [];
  const walk = (list: Section[] | undefined) => {
    for (const s of list ?? []) {
      const entries = (s.entry ?? []).map(r => display(resolve(r)) || r.display || '').filter(Boolean);
      const code = s.code?.coding?.[0]?.code ?? '';
      sections.push({ code, title: s.title ?? concept(s.code).text, text: narrative(s.text?.div), entries });
      walk(s.section);
    }
  };
  walk(composition.section);
  return {
    title: composition.title ?? '',
    date: composition.date,
    author: display(authors.find(a => a?.resourceType === 'Practitioner')),
    institution: display(authors.find(a => a?.resourceType === 'Organization') ?? resolve(composition.custodian)),
    sections: sections.filter(s => s.text || s.entries.length > 0),
  };
}
