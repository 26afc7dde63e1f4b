// わたしの健診・検査結果: each numeric checkup item and lab test as a chart across the years
// (with its reference range when the result carries one), and the checkups as a table.
import { Charts, seriesOf } from '../lib/chart';
import { type Bundle, resourcesOf, type Resource } from '../lib/fhir';
import type { DiagnosticReport, Observation } from '../lib/fhirTypes';
import { ScreenTitle } from '../lib/frame';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { ErrorBox, Loading } from '../lib/ui';
import { CheckupView } from '../lib/views/CheckupView';

export function Checkups({ patientId }: { patientId: string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const id = encodeURIComponent(patientId);
  const checkups = useLoad(`checkups:${patientId}`, signal => api.send<Bundle>(`/fhir/Patient/${id}/$checkup-history`, { signal }));
  const labs = useLoad(`labs:${patientId}`, signal => api.send<Bundle>(`/fhir/Observation?patient=Patient/${id}&category=laboratory&_count=500`, { signal }));
  return (
    <section aria-labelledby="checkups-title">
      <ScreenTitle id="checkups-title" focusKey="checkups">{i18n.t('checkupsTitle')}</ScreenTitle>
      <h2>{i18n.t('checkupCharts')}</h2>
      {checkups.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={checkups.error} />
        : checkups.status !== 'done' ? <Loading /> : <CheckupCharts bundle={checkups.value} />}
      <h2>{i18n.t('labsTitle')}</h2>
      {labs.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={labs.error} />
        : labs.status !== 'done' ? <Loading /> : <LabCharts bundle={labs.value} />}
    </section>
  );
}

function CheckupCharts({ bundle }: { bundle: Bundle }) {
  const byUrl = new Map<string | undefined, Resource | undefined>((bundle.entry ?? []).map(e => [e.fullUrl, e.resource]));
  const rows = resourcesOf<DiagnosticReport>(bundle, 'DiagnosticReport').flatMap(report => (report.result ?? [])
    .map(r => byUrl.get(r.reference) as Observation | undefined)
    .filter((o): o is Observation => o !== undefined)
    .map(observation => ({ observation, date: observation.effectiveDateTime ?? report.effectiveDateTime })));
  return (
    <>
      <Charts series={seriesOf(rows)} prefix="checkup" />
      <CheckupView bundle={bundle} />
    </>
  );
}

function LabCharts({ bundle }: { bundle: Bundle }) {
  const i18n = useI18n();
  const series = seriesOf(resourcesOf<Observation>(bundle, 'Observation').map(observation => ({ observation, date: observation.effectiveDateTime })));
  return series.length === 0 ? <p>{i18n.t('noLabs')}</p> : <Charts series={series} prefix="lab" />;
}
