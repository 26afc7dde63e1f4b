// Japanese conventions for dates, names and codes (English when chosen).
import { japaneseEra } from './dates';
import type { I18n, Language } from './i18n';

const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A FHIR date (YYYY, YYYY-MM, YYYY-MM-DD, or a dateTime whose date part is taken as written —
 * the server writes Japan time) as 2026年11月25日（令和8年）, or 25 Nov 2026 (Reiwa 8): the
 * UI's language decides, never the browser's locale.
 */
export function formatDate(value: string | undefined | null, lang: Language): string {
  if (!value) return '';
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  if (!match) return value;
  const [, y = '', m, d] = match;
  const era = japaneseEra(`${y}-${m ?? '12'}-${d ?? '31'}`);
  if (lang === 'en') {
    const text = [d ? String(Number(d)) : '', m ? monthsEn[Number(m) - 1] : '', y].filter(Boolean).join(' ');
    return era ? `${text} (${era.era.en} ${era.year})` : text;
  }
  const text = `${y}年` + (m ? `${Number(m)}月` : '') + (d ? `${Number(d)}日` : '');
  return era ? `${text}（${era.era.ja}${era.year === 1 ? '元' : era.year}年）` : text;
}

/** A dateTime's time of day in Japan (HH:mm), for access logs and queues. */
export function formatTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() + 9 * 3600 * 1000).toISOString().slice(11, 16);
}

/** A dateTime as its Japanese day and time: 2026年11月25日（令和8年） 14:05. */
export function formatDateTime(value: string, lang: Language): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const japan = new Date(date.getTime() + 9 * 3600 * 1000).toISOString();
  return `${formatDate(japan.slice(0, 10), lang)} ${japan.slice(11, 16)}`;
}

/** 30 → 3割 (Japanese), 30% (English). */
export function formatCopay(percent: number | null | undefined, i18n: I18n): string {
  if (percent === null || percent === undefined) return '';
  if (i18n.lang === 'ja' && percent % 10 === 0) return i18n.t('copayRatio', { n: percent / 10 });
  return `${percent}%`;
}

export function formatGender(gender: string | undefined, i18n: I18n): string {
  return gender ? i18n.t(`gender.${gender}`) : '';
}

export interface HumanName {
  text?: string;
  family?: string;
  given?: string[];
  extension?: { url: string; valueCode?: string }[];
}

const nameRepresentation = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

function representation(name: HumanName): string | undefined {
  return name.extension?.find(e => e.url === nameRepresentation)?.valueCode;
}

function fullName(name: HumanName | undefined): string {
  if (!name) return '';
  if (name.text) return name.text;
  return [name.family, ...(name.given ?? [])].filter(Boolean).join(' ');
}

/** A JP Core Patient's name: kanji (IDE) and kana reading (SYL). */
export function patientNames(patient: { name?: HumanName[] } | null | undefined): { kanji: string; kana: string } {
  const names = patient?.name ?? [];
  const kanji = names.find(n => representation(n) === 'IDE') ?? names.find(n => representation(n) !== 'SYL') ?? names[0];
  const kana = names.find(n => representation(n) === 'SYL');
  return { kanji: fullName(kanji), kana: kana && kana !== kanji ? fullName(kana) : '' };
}

// Short names of the code systems staff know.
const systems: Readonly<Record<string, string>> = {
  'urn:oid:1.2.392.100495.20.1.73': 'YJ',
  'urn:oid:1.2.392.200119.4.403.1': 'HOT9',
  'http://kakehashi.jp/fhir/CodeSystem/receipt-drug-code': 'レセ電',
  'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterS-medicalProcedure': '診療行為',
  'urn:oid:1.2.392.200119.6.1005': '特定健診項目',
};

export interface Coding { system?: string; code?: string; display?: string }
export interface CodeableConcept { text?: string; coding?: Coding[] }

/** The codings of a CodeableConcept: { text, codes: ["YJ 2233002F1280", …] }. */
export function concept(codeable: CodeableConcept | undefined): { text: string; codes: string[] } {
  if (!codeable) return { text: '', codes: [] };
  const codings = codeable.coding ?? [];
  const text = codeable.text ?? codings.find(c => c.display)?.display ?? codings[0]?.code ?? '';
  const codes = codings.filter(c => c.code).map(c => `${systems[c.system ?? ''] ?? ''} ${c.code}`.trim());
  return { text, codes };
}
