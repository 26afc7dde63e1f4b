// History views with the patient's consent: 薬剤情報, 特定健診 (across years), 診療・手術情報.
import { ApiError, historyView, readPatient } from './api.js';
import { coded, details, el, table } from './dom.js';
import { errorContent } from './errors.js';
import { concept, formatDate, formatGender, patientNames } from './format.js';
import { t } from './i18n.js';

const sourceSystem = 'http://kakehashi.jp/fhir/CodeSystem/history-source';
const consentSystem = 'http://kakehashi.jp/fhir/CodeSystem/consent-category';
const state = { patientId: null, view: 'medication-history', patient: null, result: null };
let unauthorized = () => {};

export function initHistory(onUnauthorized) {
  unauthorized = onUnauthorized;
  document.getElementById('patient-form').addEventListener('submit', event => {
    event.preventDefault();
    const id = document.getElementById('patientId').value.trim();
    if (id) location.hash = `#/history/${encodeURIComponent(id)}`;
  });
  const tabs = [...document.querySelectorAll('#history-tabs [role=tab]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectView(tab.dataset.view));
    // Arrow keys move between tabs (WAI-ARIA tabs pattern).
    tab.addEventListener('keydown', event => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length];
      next.focus();
      selectView(next.dataset.view);
    });
  }
}

/** Opens a patient (route #/history/{id}); without one, only the patient form is shown. */
export async function showPatient(patientId) {
  document.getElementById('patientId').value = patientId ?? '';
  document.getElementById('history-tabs').hidden = !patientId;
  if (!patientId) {
    document.getElementById('patient-card').replaceChildren();
    document.getElementById('history-panel').replaceChildren();
    return;
  }
  if (patientId !== state.patientId) {
    Object.assign(state, { patientId, patient: null, result: null });
    // The previous patient's name and records never stay on screen under the new id.
    renderPatient();
    document.getElementById('history-panel').replaceChildren();
    let patient;
    try {
      patient = await readPatient(patientId);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) return unauthorized();
      patient = { error };
    }
    // Patient safety: a slow answer for an earlier patient must never be drawn above a later one's records.
    if (state.patientId !== patientId) return;
    state.patient = patient;
  }
  renderPatient();
  await selectView(state.view);
}

export function rerenderHistory() {
  if (!state.patientId) return;
  renderPatient();
  renderResult();
}

function renderPatient() {
  const card = document.getElementById('patient-card');
  const patient = state.patient;
  if (!patient || patient.error) {
    card.replaceChildren(el('p', { class: 'muted' }, !patient ? t('loading') : patient.error.status === 404 ? t('patientNotFound') : ''));
    return;
  }
  const { kanji, kana } = patientNames(patient);
  card.replaceChildren(el('section', { class: 'patient', 'aria-label': t('patient') },
    el('p', { class: 'person' }, el('span', { class: 'kanji', id: 'patient-name' }, kanji), kana ? el('span', { class: 'kana' }, kana) : null),
    details([[t('birth'), formatDate(patient.birthDate)], [t('gender'), formatGender(patient.gender)]])));
}

async function selectView(view) {
  state.view = view;
  for (const tab of document.querySelectorAll('#history-tabs [role=tab]')) {
    const selected = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    if (selected) document.getElementById('history-panel').setAttribute('aria-labelledby', tab.id);
  }
  const patientId = state.patientId;
  document.getElementById('history-panel').replaceChildren(el('p', { class: 'muted' }, t('loading')));
  let result;
  try {
    result = { view, bundle: await historyView(patientId, view) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return unauthorized();
    result = { view, error };
  }
  // A later click or patient wins over a slow answer.
  if (state.patientId !== patientId || state.view !== view) return;
  state.result = result;
  renderResult();
}

function renderResult() {
  const panel = document.getElementById('history-panel');
  const result = state.result;
  if (!result) return;
  if (result.error) {
    panel.replaceChildren(refusal(result.view, result.error));
    return;
  }
  const render = { 'medication-history': medication, 'checkup-history': checkups, 'treatment-history': treatment }[result.view];
  panel.replaceChildren(...render(result.bundle));
}

function refusal(view, error) {
  const issue = error.issues[0];
  const category = issue?.details?.coding?.find(c => c.system === consentSystem)?.code;
  if (error.status === 403 && category) {
    return el('div', { class: 'error', role: 'alert' },
      el('p', { class: 'error-title' }, t('noConsent')),
      el('p', { class: 'error-summary' }, t(`noConsent.${view}`)),
      el('p', {}, t('noConsentHelp')),
      el('p', { class: 'server-message' }, `${t('serverSaid')}: `, el('q', {}, issue.diagnostics ?? '')));
  }
  const title = error.status === 403 ? t('notAllowed') : t('error.other');
  return el('div', { class: 'error', role: 'alert' }, ...errorContent(title, error));
}

function entries(bundle, type) {
  return (bundle.entry ?? []).filter(e => e.resource?.resourceType === type && e.search?.mode !== 'outcome');
}

function sources(resource) {
  return (resource.meta?.tag ?? []).filter(tag => tag.system === sourceSystem).map(tag => t(`source.${tag.code}`)).join('・');
}

function organization(reference) {
  if (!reference) return '';
  const code = reference.identifier?.value;
  return el('span', {}, reference.display ?? '', code ? el('span', { class: 'code' }, code) : null);
}

function quantity(q) {
  if (!q || q.value === undefined) return '';
  return `${q.value}${q.unit ? ` ${q.unit}` : ''}`;
}

function summaryLine(count) {
  return el('p', { class: 'muted' }, t('count', { n: count }));
}

function medication(bundle) {
  const rows = entries(bundle, 'MedicationDispense').map(({ resource: d }) => [
    formatDate(d.whenHandedOver ?? d.whenPrepared),
    coded(concept(d.medicationCodeableConcept)),
    quantity(d.quantity),
    (d.dosageInstruction ?? []).map(i => i.text).filter(Boolean).join(' / '),
    organization(d.performer?.[0]?.actor),
    sources(d),
  ]);
  if (rows.length === 0) return [el('p', {}, t('noEntries'))];
  return [summaryLine(rows.length), table(t('tabMedication'), [t('date'), t('medication'), t('quantity'), t('dosage'), t('institution'), t('source')], rows)];
}

function treatment(bundle) {
  const notes = (bundle.entry ?? []).filter(e => e.search?.mode === 'outcome' && e.resource?.resourceType === 'OperationOutcome');
  const rows = entries(bundle, 'Procedure').map(({ resource: p }) => [
    formatDate(p.performedDateTime ?? p.performedPeriod?.start) + (p.performedPeriod?.end && p.performedPeriod.end !== p.performedPeriod.start ? ` – ${formatDate(p.performedPeriod.end)}` : ''),
    t(`kind.${p.category?.coding?.[0]?.code}`),
    coded(concept(p.code)),
    organization(p.performer?.[0]?.actor),
  ]);
  const parts = notes.map(n => el('p', { class: 'note', role: 'note' }, `${t('note')}: ${t('surgeryNote')}`,
    el('span', { class: 'server-message' }, el('q', {}, n.resource.issue?.[0]?.diagnostics ?? ''))));
  if (rows.length === 0) return [...parts, el('p', {}, t('noEntries'))];
  return [...parts, summaryLine(rows.length), table(t('tabTreatment'), [t('date'), t('kind'), t('procedure'), t('institution')], rows)];
}

function observationValue(o) {
  if (o.valueQuantity) return quantity(o.valueQuantity);
  if (o.valueCodeableConcept) return concept(o.valueCodeableConcept).text;
  if (o.valueString !== undefined) return o.valueString;
  if (o.valueBoolean !== undefined) return String(o.valueBoolean);
  if (o.valueInteger !== undefined) return String(o.valueInteger);
  return o.dataAbsentReason ? '—' : '';
}

/** One column per checkup (newest first), one row per item: a result's course across the years. */
function checkups(bundle) {
  const byUrl = new Map((bundle.entry ?? []).map(e => [e.fullUrl, e.resource]));
  const reports = entries(bundle, 'DiagnosticReport').map(e => e.resource);
  if (reports.length === 0) return [el('p', {}, t('noEntries'))];
  const items = new Map();
  reports.forEach((report, column) => {
    for (const reference of report.result ?? []) {
      const observation = byUrl.get(reference.reference);
      if (!observation) continue;
      const coding = observation.code?.coding?.[0];
      const key = `${coding?.system}|${coding?.code}`;
      if (!items.has(key)) items.set(key, { code: observation.code, values: [] });
      items.get(key).values[column] = observationValue(observation);
    }
  });
  const headers = [t('item'), ...reports.map(r => el('span', {}, formatDate(r.effectiveDateTime),
    r.performer?.[0]?.display ? el('span', { class: 'code' }, r.performer[0].display) : null))];
  const rows = [...items.values()].map(item => [coded(concept(item.code)), ...reports.map((_, i) => item.values[i] ?? '')]);
  return [summaryLine(reports.length), el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('tabCheckup') },
    table(t('tabCheckup'), headers, rows))];
}
