// The history views a patient consented to: 薬剤情報, 特定健診 (across years), 診療・手術情報.
// Everything on this screen is keyed by the patient id (and the view): a new patient cancels
// the previous loads and nothing of the previous patient is drawn again.
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import type { Bundle } from '../lib/fhir';
import { ScreenTitle } from '../lib/frame';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { ErrorBox, Loading } from '../lib/ui';
import { type Patient, PatientBanner, PatientForm } from './patientParts';
import type { HistoryView } from './roles';
import { CheckupView } from '../lib/views/CheckupView';
import { MedicationView } from '../lib/views/MedicationView';
import { TreatmentView } from '../lib/views/TreatmentView';

const consentSystem = 'http://kakehashi.jp/fhir/CodeSystem/consent-category';
const tabLabels: Record<HistoryView, string> = { 'medication-history': 'tabMedication', 'checkup-history': 'tabCheckup', 'treatment-history': 'tabTreatment' };

export function History({ patientId, views }: { patientId: string | null; views: readonly HistoryView[] }) {
  const i18n = useI18n();
  const { user } = useSession();
  if (views.length === 0) {
    return (
      <section aria-labelledby="history-title">
        <ScreenTitle id="history-title" focusKey="history">{i18n.t('historyTitle')}</ScreenTitle>
        <p class="error" role="alert">{i18n.t('roleCannotViewHistory', { role: i18n.t(`role.${user.role ?? ''}`) })}</p>
        <p><a class="button" href={href('eligibility')}>{i18n.t('navEligibility')}</a></p>
      </section>
    );
  }
  return (
    <section aria-labelledby="history-title">
      <ScreenTitle id="history-title" focusKey={`history:${patientId ?? ''}`}>{i18n.t('historyTitle')}</ScreenTitle>
      <PatientForm patientId={patientId} page="history" />
      {/* A new key remounts the patient's part of the screen: no state survives from the previous one. */}
      {patientId && <PatientRecords key={patientId} patientId={patientId} views={views} />}
    </section>
  );
}

function PatientRecords({ patientId, views }: { patientId: string; views: readonly HistoryView[] }) {
  const i18n = useI18n();
  const { api } = useSession();
  const patient = useLoad(`patient:${patientId}`, signal => api.send<Patient>(`/fhir/Patient/${encodeURIComponent(patientId)}`, { signal }));
  const [view, setView] = useState<HistoryView>(views[0]!);

  if (patient.status === 'loading' || patient.status === 'idle') {
    return <div id="patient-card"><Loading /></div>;
  }
  if (patient.status === 'failed') {
    const notFound = patient.error.status === 404 || patient.error.status === 410;
    return (
      <div id="patient-card">
        {notFound
          ? <p class="error" role="alert">{i18n.t('patientNotFound', { id: patientId })}</p>
          : <ErrorBox title={i18n.t('notAllowed')} error={patient.error} />}
      </div>
    );
  }
  return (
    <>
      <PatientBanner patient={patient.value} />
      <p class="actions no-print"><button type="button" onClick={() => window.print()}>{i18n.t('print')}</button></p>
      <Tabs views={views} selected={view} onSelect={setView} />
      <div id="history-panel" role="tabpanel" tabIndex={0} aria-labelledby={`tab-${view}`} aria-live="polite">
        <ViewPanel key={view} patientId={patientId} view={view} />
      </div>
    </>
  );
}

function Tabs({ views, selected, onSelect }: { views: readonly HistoryView[]; selected: HistoryView; onSelect: (view: HistoryView) => void }) {
  const i18n = useI18n();
  const refs = useRef<Partial<Record<HistoryView, HTMLButtonElement | null>>>({});
  // Arrow keys move between tabs (WAI-ARIA tabs pattern).
  const key = (event: KeyboardEvent, index: number) => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    const next = views[(index + step + views.length) % views.length]!;
    onSelect(next);
    refs.current[next]?.focus();
  };
  return (
    <div id="history-tabs" role="tablist" aria-labelledby="history-title">
      {views.map((v, i) => (
        <button key={v} type="button" role="tab" id={`tab-${v}`} aria-controls="history-panel" aria-selected={v === selected ? 'true' : 'false'}
          tabIndex={v === selected ? 0 : -1} ref={el => { refs.current[v] = el; }} onClick={() => onSelect(v)} onKeyDown={e => key(e, i)}>
          {i18n.t(tabLabels[v])}
        </button>
      ))}
    </div>
  );
}

function ViewPanel({ patientId, view }: { patientId: string; view: HistoryView }) {
  const i18n = useI18n();
  const { api } = useSession();
  const result = useLoad(`${patientId}|${view}`, signal => api.send<Bundle>(`/fhir/Patient/${encodeURIComponent(patientId)}/$${view}`, { signal }));
  if (result.status === 'loading' || result.status === 'idle') return <Loading />;
  if (result.status === 'failed') return <Refusal view={view} error={result.error} />;
  switch (view) {
    case 'medication-history': return <MedicationView bundle={result.value} />;
    case 'checkup-history': return <CheckupView bundle={result.value} />;
    case 'treatment-history': return <TreatmentView bundle={result.value} />;
  }
  return i18n.t('noEntries');
}

function Refusal({ view, error }: { view: HistoryView; error: ApiError }) {
  const i18n = useI18n();
  const issue = error.issues[0];
  const category = issue?.details?.coding?.find(c => c.system === consentSystem)?.code;
  if (error.status === 403 && category) {
    return (
      <div class="error" role="alert">
        <p class="error-title">{i18n.t('noConsent')}</p>
        <p class="error-summary">{i18n.t(`noConsent.${view}`)}</p>
        <p>{i18n.t('noConsentHelp')}</p>
        {i18n.lang === 'en' && issue?.diagnostics && <p class="server-message">{i18n.t('serverSaid')}: <q>{issue.diagnostics}</q></p>}
      </div>
    );
  }
  return <ErrorBox title={error.status === 403 ? i18n.t('notAllowed') : i18n.t('error.other')} error={error} />;
}
