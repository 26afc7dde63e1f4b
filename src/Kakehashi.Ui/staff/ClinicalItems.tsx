// 6情報: the clinical items of a consented patient from every institution — diagnoses, allergies,
// drug contraindications, infections, labs (as charts with their reference ranges) and
// prescriptions — each with the institution it came from; a diagnosis not yet told to the patient
// (未告知) carries a notice. Keyed by the patient: nothing of the previous one is drawn again.
import { ApiError } from '../lib/api';
import { Charts, seriesOf } from '../lib/chart';
import type { Bundle, Resource } from '../lib/fhir';
import type { Observation } from '../lib/fhirTypes';
import { formatDate } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { ScreenTitle } from '../lib/frame';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { groupItems, isUninformed, itemDate, type ItemKind, itemKinds, itemText, sourceInstitution } from '../lib/sharing';
import { Coded, DataTable, ErrorBox, Loading } from '../lib/ui';
import { observationValue } from '../lib/views/CheckupView';
import { PatientForm, WithPatient } from './patientParts';

const consentSystem = 'http://kakehashi.jp/fhir/CodeSystem/consent-category';

export function ClinicalItems({ patientId }: { patientId: string | null }) {
  const i18n = useI18n();
  return (
    <section aria-labelledby="items-title">
      <ScreenTitle id="items-title" focusKey={`items:${patientId ?? ''}`}>{i18n.t('sh.itemsTitle')}</ScreenTitle>
      <p class="muted">{i18n.t('sh.itemsHelp')}</p>
      <PatientForm patientId={patientId} page="clinical-items" />
      {patientId && <WithPatient key={patientId} patientId={patientId}>{() => <ItemsPanel patientId={patientId} />}</WithPatient>}
    </section>
  );
}

function ItemsPanel({ patientId }: { patientId: string }) {
  const { api } = useSession();
  const items = useLoad(`items:${patientId}`, signal => api.send<Bundle>(`/fhir/Patient/${encodeURIComponent(patientId)}/$clinical-items`, { signal }));
  if (items.status === 'failed') return <ConsentRefusal error={items.error} noConsentKey="sh.noConsentItems" />;
  if (items.status !== 'done') return <Loading />;
  return <div id="clinical-items" aria-live="polite"><ItemsView bundle={items.value} /></div>;
}

/** The patient's consent is missing (403 naming the consent category) or the request was refused for another reason. */
export function ConsentRefusal({ error, noConsentKey }: { error: ApiError; noConsentKey: string }) {
  const i18n = useI18n();
  const issue = error.issues[0];
  const consent = issue?.details?.coding?.some(c => c.system === consentSystem) || /consent/i.test(issue?.diagnostics ?? '');
  if (error.status === 403 && consent) {
    return (
      <div class="error" role="alert" id="no-consent">
        <p class="error-title">{i18n.t('noConsent')}</p>
        <p class="error-summary">{i18n.t(noConsentKey)}</p>
        <p>{i18n.t('noConsentHelp')}</p>
        {i18n.lang === 'en' && issue?.diagnostics && <p class="server-message">{i18n.t('serverSaid')}: <q>{issue.diagnostics}</q></p>}
      </div>
    );
  }
  return <ErrorBox title={error.status === 403 ? i18n.t('notAllowed') : i18n.t('error.other')} error={error} />;
}

/** The six items of a Bundle ($clinical-items, $emergency-summary), one table per kind, labs also as charts. */
export function ItemsView({ bundle, kinds = itemKinds }: { bundle: Bundle; kinds?: readonly ItemKind[] }) {
  const i18n = useI18n();
  const groups = groupItems(bundle);
  const uninformed = groups.diagnoses.some(isUninformed);
  const series = seriesOf(groups.labs.map(o => ({ observation: o as Observation, date: itemDate(o) })));
  return (
    <>
      {uninformed && <p class="notice-box" role="note" id="uninformed-notice">{i18n.t('sh.uninformedNotice')}</p>}
      {kinds.map(kind => (
        <section key={kind} id={`items-${kind}`} aria-labelledby={`items-${kind}-title`}>
          <h2 id={`items-${kind}-title`}>{i18n.t(`sh.kind.${kind}`)}</h2>
          {kind === 'labs' && series.length > 0 && <Charts series={series} prefix="lab" />}
          {groups[kind].length === 0 ? <p class="muted">{i18n.t('noEntries')}</p> : <ItemTable kind={kind} rows={groups[kind]} />}
        </section>
      ))}
    </>
  );
}

function ItemTable({ kind, rows }: { kind: ItemKind; rows: Resource[] }) {
  const i18n = useI18n();
  return (
    <DataTable caption={i18n.t(`sh.kind.${kind}`)} rows={rows} rowKey={(r, i) => r.id ?? String(i)} columns={[
      { header: i18n.t('item'), cell: (r: Resource) => <Coded value={itemText(r)} /> },
      ...(kind === 'labs' || kind === 'infections'
        ? [{ header: i18n.t('sh.value'), cell: (r: Resource) => <Value observation={r as Observation} />, nowrap: true }] : []),
      ...(kind === 'prescriptions'
        ? [{ header: i18n.t('dosage'), cell: (r: Resource) => (r.dosageInstruction as { text?: string }[] | undefined)?.[0]?.text ?? '' }] : []),
      { header: i18n.t('date'), cell: (r: Resource) => formatDate(itemDate(r), i18n.lang), nowrap: true },
      { header: i18n.t('sh.sourceInstitution'), cell: (r: Resource) => <Source resource={r} /> },
      ...(kind === 'diagnoses'
        ? [{ header: i18n.t('note'), cell: (r: Resource) => (isUninformed(r) ? <strong class="uninformed">{i18n.t('sh.uninformed')}</strong> : '') }] : []),
    ]} />
  );
}

function Value({ observation }: { observation: Observation }) {
  const i18n = useI18n();
  const range = observation.referenceRange?.[0];
  const rangeText = range?.text ?? (range && (range.low || range.high) ? `${range.low?.value ?? ''}–${range.high?.value ?? ''}` : '');
  return <span>{observationValue(observation)}{rangeText && <span class="code">{i18n.t('referenceRange')} {rangeText}</span>}</span>;
}

function Source({ resource }: { resource: Resource }) {
  const source = sourceInstitution(resource);
  if (!source) return null;
  return <span class="source">{source.name}{source.code && <span class="code">{source.code}</span>}</span>;
}
