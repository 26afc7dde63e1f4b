// Messages for refused requests: the server's OperationOutcome, with a clear Japanese summary of
// the errors reception meets (the server's diagnostics are kept below it, word for word).
import { has, language, t } from './i18n.js';
import { el } from './dom.js';

const fieldNames = { insurerNumber: 'insurerNumber', symbol: 'symbol', number: 'number', branch: 'branch', birthDate: 'birthDate' };

// Recognised by the diagnostics the eligibility service writes (docs/eligibility.md, error table).
const patterns = [
  [/wrong check digit/i, 'error.checkDigit'],
  [/insurer number .* must be 8 digits/i, 'error.insurerLength'],
  [/must keep its leading zero/i, 'error.leadingZero'],
  [/branch number .* must be two digits/i, 'error.branchDigits'],
  [/Unknown insurer/i, 'error.unknownInsurer'],
  [/birth date does not match/i, 'error.birthMismatch'],
  [/My Number/i, 'error.myNumber'],
  [/needs the insurer number/i, 'error.needInsurer'],
  [/needs the number/i, 'error.needNumber'],
  [/needs the birth date/i, 'error.needBirthDate'],
  [/birth date is in the future/i, 'error.futureBirth'],
  [/is not a date/i, 'error.date'],
];

/** The form field an issue names (its expression, e.g. insuranceCard.insurerNumber), if any. */
export function issueField(issue) {
  const path = issue?.expression?.[0] ?? issue?.location?.[0] ?? '';
  const last = path.split('.').pop();
  return fieldNames[last] ?? null;
}

function summary(error, issue) {
  if (error.status === 0) return t('error.network');
  if (error.status === 401) return t('error.unauthorized');
  const diagnostics = issue?.diagnostics ?? '';
  for (const [pattern, key] of patterns) {
    if (pattern.test(diagnostics) && has(key)) {
      const field = issueField(issue);
      return t(key, { field: field ? t(field) : t('insurerNumber') });
    }
  }
  if (language() === 'en' && diagnostics) return diagnostics;
  return error.status === 403 ? t('error.forbidden') : t('error.other');
}

/** The content of an error box: a summary per issue and the server's own words. */
export function errorContent(title, error) {
  const issues = error.issues.length ? error.issues : [null];
  return [
    el('p', { class: 'error-title' }, title),
    el('ul', {}, issues.map(issue => {
      const text = summary(error, issue);
      const original = issue?.diagnostics && issue.diagnostics !== text ? issue.diagnostics : null;
      return el('li', {}, el('span', { class: 'error-summary' }, text),
        original ? el('span', { class: 'server-message' }, `${t('serverSaid')}: `, el('q', {}, original)) : null);
    })),
  ];
}
