// Reception: eligibility check by the data of an insurance card (POST /eligibility/check).
import { ApiError, checkEligibility } from './api.js';
import { el, details } from './dom.js';
import { errorContent, issueField } from './errors.js';
import { formatCopay, formatDate, formatGender, todayInJapan } from './format.js';
import { t } from './i18n.js';

const form = () => document.getElementById('eligibility-form');
const errorBox = () => document.getElementById('eligibility-error');
const resultBox = () => document.getElementById('eligibility-result');
let lastAnswer = null;

export function initEligibility(onUnauthorized) {
  const visit = document.getElementById('visitDate');
  if (!visit.value) visit.value = todayInJapan();
  form().addEventListener('submit', async event => {
    event.preventDefault();
    await submit(onUnauthorized);
  });
}

/** Shows the last answer again (after a language switch). */
export function rerenderEligibility() {
  if (lastAnswer) render(lastAnswer);
}

function value(name) {
  return form().elements[name].value.trim();
}

async function submit(onUnauthorized) {
  const button = form().querySelector('button[type=submit]');
  for (const input of form().querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  errorBox().hidden = true;
  errorBox().replaceChildren();
  resultBox().replaceChildren();
  lastAnswer = null;
  const card = { insurerNumber: value('insurerNumber'), symbol: value('symbol'), number: value('number'), birthDate: value('birthDate') };
  if (value('branch')) card.branch = value('branch');
  button.disabled = true;
  button.textContent = t('checking');
  try {
    render(await checkEligibility({ visitDate: value('visitDate') || undefined, insuranceCard: card }));
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) {
      onUnauthorized();
      return;
    }
    errorBox().replaceChildren(...errorContent(t('errorTitle'), error));
    errorBox().hidden = false;
    const field = error.issues.map(issueField).find(Boolean);
    if (field) {
      const input = form().elements[field];
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-errormessage', 'eligibility-error');
      input.focus();
    }
  } finally {
    button.disabled = false;
    button.textContent = t('check');
  }
}

function render(answer) {
  lastAnswer = answer;
  const status = answer.status;
  const parts = [
    el('p', { class: `status status-${status}`, id: 'eligibility-status' },
      el('span', { class: 'badge' }, t(`status.${status}`)),
      ' ', t('asOf', { date: formatDate(answer.visitDate) })),
    el('p', {}, t(`statusHelp.${status}`, { n: answer.candidates ?? '' })),
  ];
  if (answer.patient) parts.push(patientSection(answer.patient));
  if (answer.qualification) parts.push(qualificationSection(answer.qualification));
  if (answer.qualification) parts.push(publicExpenseSection(answer.publicExpenses ?? []));
  if (answer.patient?.id) {
    parts.push(el('p', {}, el('a', { class: 'button', href: `#/history/${encodeURIComponent(answer.patient.id)}` }, t('openHistory'))));
  }
  resultBox().replaceChildren(el('article', { class: 'answer', 'aria-labelledby': 'eligibility-status' }, parts));
}

function patientSection(patient) {
  return el('section', {}, el('h2', {}, t('patient')), details([
    [t('name'), el('span', { class: 'person' }, el('span', { class: 'kanji' }, patient.name ?? ''),
      patient.nameKana ? el('span', { class: 'kana' }, patient.nameKana) : null)],
    [t('birthDate'), formatDate(patient.birthDate)],
    [t('gender'), formatGender(patient.gender)],
  ]));
}

function qualificationSection(q) {
  const limit = q.limitCategory ? `${q.limitCategory.display ?? ''} (${q.limitCategory.code})` : el('span', { class: 'muted' }, t('limitNotShown'));
  const diseases = (q.specificDiseases ?? []).map(d => d.display ?? d.code).join('、');
  return el('section', {}, el('h2', {}, t('qualification')), details([
    [t('insurer'), [q.insurerName ? `${q.insurerName} ` : '', el('span', { class: 'code' }, q.insurerNumber)]],
    [t('insuredNumber'), [q.symbol || '—', ' ・ ', q.number, ' ・ ', q.branch ?? '—']],
    [t('relationship'), q.relationship ? t(`relationship.${q.relationship}`) : ''],
    [t('validFrom'), formatDate(q.validFrom)],
    [t('validUntil'), formatDate(q.validUntil)],
    [t('copay'), formatCopay(q.copayPercent)],
    [t('limitCategory'), limit],
    [t('specificDiseases'), diseases || t('none')],
  ]));
}

function publicExpenseSection(expenses) {
  return el('section', {}, el('h2', {}, t('publicExpenses')), expenses.length === 0
    ? el('p', {}, t('none'))
    : expenses.map(e => details([
      [t('payerNumber'), el('span', { class: 'code' }, e.payerNumber)],
      [t('recipientNumber'), e.recipientNumber ? el('span', { class: 'code' }, e.recipientNumber) : ''],
      [t('validFrom'), formatDate(e.validFrom)],
      [t('validUntil'), formatDate(e.validUntil)],
      [t('copay'), formatCopay(e.copayPercent)],
    ])));
}
