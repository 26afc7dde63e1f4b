// わたしの資格情報: qualifications (health insurance) and public expenses (公費), then diagnoses.
import { type Bundle, resourcesOf, type Resource } from '../lib/fhir';
import { ScreenTitle } from '../lib/frame';
import { type CodeableConcept, concept, formatDate } from '../lib/format';
import type { Period } from '../lib/fhirTypes';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { Details, ErrorBox, Loading } from '../lib/ui';

const insuranceCategory = 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/InsuranceMajorCategory';
const categoryNames: Record<string, [string, string]> = {
  1: ['医療保険', 'Health insurance'], 2: ['国民健康保険', 'National Health Insurance'], 3: ['後期高齢者医療', 'Late-stage elderly care'],
  8: ['公費', 'Public expense'],
};
const symbolExtension = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonSymbol';
const numberExtension = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Coverage_InsuredPersonNumber';

interface Coverage extends Resource {
  status?: string;
  type?: CodeableConcept;
  subscriberId?: string;
  period?: Period;
  payor?: { display?: string; identifier?: { value?: string } }[];
  extension?: { url: string; valueString?: string }[];
  costToBeneficiary?: { valueQuantity?: { value?: number } }[];
}

interface Condition extends Resource {
  code?: CodeableConcept;
  onsetDateTime?: string;
  recordedDate?: string;
}

export function Home({ patientId }: { patientId: string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const coverages = useLoad(`coverage:${patientId}`, signal => api.send<Bundle>(`/fhir/Coverage?patient=Patient/${encodeURIComponent(patientId)}&_count=50`, { signal }));
  const conditions = useLoad(`condition:${patientId}`, signal => api.send<Bundle>(`/fhir/Condition?patient=Patient/${encodeURIComponent(patientId)}&_count=100`, { signal }));
  return (
    <section aria-labelledby="home-title">
      <ScreenTitle id="home-title" focusKey="home">{i18n.t('homeTitle')}</ScreenTitle>
      {coverages.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={coverages.error} />
        : coverages.status !== 'done' ? <Loading />
          : <CoverageList coverages={resourcesOf<Coverage>(coverages.value, 'Coverage')} />}
      <h2>{i18n.t('diagnosesTitle')}</h2>
      {conditions.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={conditions.error} />
        : conditions.status !== 'done' ? <Loading />
          : <Diagnoses conditions={resourcesOf<Condition>(conditions.value, 'Condition')} />}
    </section>
  );
}

function CoverageList({ coverages }: { coverages: Coverage[] }) {
  const i18n = useI18n();
  if (coverages.length === 0) return <p>{i18n.t('noCoverage')}</p>;
  return (
    <ul class="cards">
      {coverages.map(c => {
        const code = c.type?.coding?.find(x => x.system === insuranceCategory)?.code ?? '';
        const names = categoryNames[code];
        const symbol = c.extension?.find(e => e.url === symbolExtension)?.valueString;
        const number = c.extension?.find(e => e.url === numberExtension)?.valueString ?? c.subscriberId;
        const copay = c.costToBeneficiary?.[0]?.valueQuantity?.value;
        return (
          <li key={c.id} class="card">
            <p class="card-title">{names ? names[i18n.lang === 'ja' ? 0 : 1] : concept(c.type).text}
              <span class={`badge-small status-${c.status}`}>{i18n.t(`coverage.${c.status ?? 'active'}`)}</span></p>
            <Details rows={[
              [i18n.t('payor'), <>{c.payor?.[0]?.display ?? ''}<span class="code">{c.payor?.[0]?.identifier?.value}</span></>],
              [i18n.t('memberNumber'), number ? `${symbol ?? '—'} ・ ${number}` : ''],
              [i18n.t('validity'), `${formatDate(c.period?.start, i18n.lang)} – ${formatDate(c.period?.end, i18n.lang)}`],
              [i18n.t('copayLabel'), copay !== undefined ? (i18n.lang === 'ja' && copay % 10 === 0 ? i18n.t('copayRatio', { n: copay / 10 }) : `${copay}%`) : ''],
            ]} />
          </li>
        );
      })}
    </ul>
  );
}

function Diagnoses({ conditions }: { conditions: Condition[] }) {
  const i18n = useI18n();
  if (conditions.length === 0) return <p>{i18n.t('noDiagnoses')}</p>;
  return (
    <ul class="cards">
      {conditions.map(c => (
        <li key={c.id} class="card">
          <p class="card-title">{concept(c.code).text}</p>
          <Details rows={[[i18n.t('onset'), formatDate(c.onsetDateTime, i18n.lang)], [i18n.t('recorded'), formatDate(c.recordedDate, i18n.lang)]]} />
        </li>
      ))}
    </ul>
  );
}
