// Japanese conventions for dates, names and codes (English when chosen).
import { language, t } from './i18n.js';

// Eras (元号) by their first day; years before Meiji 6 (the Gregorian calendar in Japan) are shown without one.
const eras = [
  { start: '2019-05-01', ja: '令和', en: 'Reiwa' },
  { start: '1989-01-08', ja: '平成', en: 'Heisei' },
  { start: '1926-12-25', ja: '昭和', en: 'Showa' },
  { start: '1912-07-30', ja: '大正', en: 'Taisho' },
  { start: '1873-01-01', ja: '明治', en: 'Meiji' },
];

const monthsEn = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The 和暦 year of a YYYY-MM-DD date: { era, year } (year 1 is 元年), or null before Meiji 6. */
export function japaneseEra(iso) {
  const day = iso.slice(0, 10);
  const era = eras.find(e => day >= e.start);
  if (!era) return null;
  return { era, year: Number(day.slice(0, 4)) - Number(era.start.slice(0, 4)) + 1 };
}

/**
 * A FHIR date (YYYY, YYYY-MM, YYYY-MM-DD, or a dateTime whose date part is taken as written —
 * the server writes Japan time) as 2026年11月25日（令和8年）, or 25 Nov 2026 (Reiwa 8).
 */
export function formatDate(value) {
  if (!value) return '';
  const match = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  if (!match) return value;
  const [, y, m, d] = match;
  const era = japaneseEra(`${y}-${m ?? '12'}-${d ?? '31'}`);
  if (language() === 'en') {
    const text = [d ? String(Number(d)) : '', m ? monthsEn[Number(m) - 1] : '', y].filter(Boolean).join(' ');
    return era ? `${text} (${era.era.en} ${era.year})` : text;
  }
  const text = `${y}年` + (m ? `${Number(m)}月` : '') + (d ? `${Number(d)}日` : '');
  return era ? `${text}（${era.era.ja}${era.year === 1 ? '元' : era.year}年）` : text;
}

/** Today's date in Japan (YYYY-MM-DD), whatever the browser's time zone. */
export function todayInJapan() {
  const japan = new Date(Date.now() + 9 * 3600 * 1000);
  return japan.toISOString().slice(0, 10);
}

/** 30 → 3割 (Japanese), 30% (English). */
export function formatCopay(percent) {
  if (percent === null || percent === undefined) return '';
  if (language() === 'ja' && percent % 10 === 0) return t('copayRatio', { n: percent / 10 });
  return `${percent}%`;
}

export function formatGender(gender) {
  return gender ? t(`gender.${gender}`) : '';
}

const nameRepresentation = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

function representation(name) {
  return name.extension?.find(e => e.url === nameRepresentation)?.valueCode;
}

function fullName(name) {
  if (!name) return '';
  if (name.text) return name.text;
  return [name.family, ...(name.given ?? [])].filter(Boolean).join(' ');
}

/** A JP Core Patient's name: kanji (IDE) and kana reading (SYL). */
export function patientNames(patient) {
  const names = patient?.name ?? [];
  const kanji = names.find(n => representation(n) === 'IDE') ?? names.find(n => representation(n) !== 'SYL') ?? names[0];
  const kana = names.find(n => representation(n) === 'SYL');
  return { kanji: fullName(kanji), kana: kana && kana !== kanji ? fullName(kana) : '' };
}

// Short names of the code systems staff know.
const systems = {
  'urn:oid:1.2.392.100495.20.1.73': 'YJ',
  'urn:oid:1.2.392.200119.4.403.1': 'HOT9',
  'http://kakehashi.jp/fhir/CodeSystem/receipt-drug-code': 'レセ電',
  'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterS-medicalProcedure': '診療行為',
  'urn:oid:1.2.392.200119.6.1005': '特定健診項目',
};

/** The codings of a CodeableConcept: { text, codes: ["YJ 2233002F1280", …] }. */
export function concept(codeable) {
  if (!codeable) return { text: '', codes: [] };
  const codings = codeable.coding ?? [];
  const text = codeable.text ?? codings.find(c => c.display)?.display ?? codings[0]?.code ?? '';
  const codes = codings.filter(c => c.code).map(c => `${systems[c.system] ?? ''} ${c.code}`.trim());
  return { text, codes };
}
