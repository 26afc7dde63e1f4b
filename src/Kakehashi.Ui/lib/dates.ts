// Dates as Japanese staff and patients write and read them: 西暦 and 和暦 (元号), full-width
// digits, with or without separators. Pure functions, tested in test/dates.test.ts.

export interface Era {
  readonly start: string;
  readonly ja: string;
  readonly en: string;
  /** The initial used on forms and in レセ電 (M, T, S, H, R) and its number (1–5). */
  readonly letter: string;
  readonly number: number;
}

// By their first day; dates before Meiji 6 (the Gregorian calendar in Japan) have no 和暦 here.
export const eras: readonly Era[] = [
  { start: '2019-05-01', ja: '令和', en: 'Reiwa', letter: 'R', number: 5 },
  { start: '1989-01-08', ja: '平成', en: 'Heisei', letter: 'H', number: 4 },
  { start: '1926-12-25', ja: '昭和', en: 'Showa', letter: 'S', number: 3 },
  { start: '1912-07-30', ja: '大正', en: 'Taisho', letter: 'T', number: 2 },
  { start: '1873-01-01', ja: '明治', en: 'Meiji', letter: 'M', number: 1 },
];

/** The 和暦 of a YYYY-MM-DD date: { era, year } (year 1 is 元年), or null before Meiji 6. */
export function japaneseEra(iso: string): { era: Era; year: number } | null {
  const day = iso.slice(0, 10);
  const era = eras.find(e => day >= e.start);
  return era ? { era, year: Number(day.slice(0, 4)) - Number(era.start.slice(0, 4)) + 1 } : null;
}

export type DateProblem = 'empty' | 'format' | 'invalid' | 'era';
export type ParsedDate = { readonly iso: string } | { readonly problem: DateProblem };

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function calendarDate(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1 || year > 9999) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

function fromEra(era: Era | undefined, eraYear: number, month: number, day: number): ParsedDate {
  if (!era || eraYear < 1) return { problem: 'era' };
  const iso = calendarDate(Number(era.start.slice(0, 4)) + eraYear - 1, month, day);
  if (!iso) return { problem: 'invalid' };
  // H31.5.1 does not exist (令和 began that day); S65 neither.
  return japaneseEra(iso)?.era === era ? { iso } : { problem: 'era' };
}

/**
 * Reads what was typed in a date field: 1965-04-12, 1965/4/12, 19650412, 1965年4月12日,
 * S40.4.12, s40/04/12, S400412, 昭和40年4月12日, 昭和元年…, 3400412 (レセ電: era number +
 * YYMMDD), full-width digits and letters too.
 */
export function parseDateInput(text: string): ParsedDate {
  const value = text.normalize('NFKC').trim().replace(/\s+/g, '');
  if (!value) return { problem: 'empty' };

  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(value) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(value)
    ?? /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/.exec(value);
  if (m) {
    const iso = calendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
    return iso ? { iso } : { problem: 'invalid' };
  }

  m = /^([MTSHRmtshr])(\d{1,2})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(value) ?? /^([MTSHRmtshr])(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (m) {
    const letter = m[1]!.toUpperCase();
    return fromEra(eras.find(e => e.letter === letter), Number(m[2]), Number(m[3]), Number(m[4]));
  }

  m = /^([1-5])(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (m) {
    const number = Number(m[1]);
    return fromEra(eras.find(e => e.number === number), Number(m[2]), Number(m[3]), Number(m[4]));
  }

  m = /^(明治|大正|昭和|平成|令和)(元|\d{1,2})年(\d{1,2})月(\d{1,2})日?$/.exec(value);
  if (m) {
    const name = m[1];
    return fromEra(eras.find(e => e.ja === name), m[2] === '元' ? 1 : Number(m[2]), Number(m[3]), Number(m[4]));
  }

  return { problem: 'format' };
}

/** Today's date in Japan (YYYY-MM-DD), whatever the browser's time zone. */
export function todayInJapan(now: number = Date.now()): string {
  return new Date(now + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/** Age in full years on a day (満年齢), both YYYY-MM-DD. */
export function ageOn(birthDate: string, day: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}/.test(birthDate)) return null;
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5, 10) >= birthDate.slice(5, 10) ? years : years - 1;
}
