// 診療・手術情報: surgery, transplant and dialysis, with the server's note when surgery is left
// out for lack of the surgery consent.
import type { Bundle } from '../fhir';
import { resourcesOf } from '../fhir';
import type { Procedure } from '../fhirTypes';
import { concept, formatDate } from '../format';
import { useI18n } from '../i18n';
import { Coded, DataTable } from '../ui';
import { Organization } from './common';

export function TreatmentView({ bundle }: { bundle: Bundle }) {
  const i18n = useI18n();
  const leftOut = (bundle.entry ?? []).some(e => e.search?.mode === 'outcome' && e.resource?.resourceType === 'OperationOutcome');
  const procedures = resourcesOf<Procedure>(bundle, 'Procedure');
  const when = (p: Procedure) => {
    const start = formatDate(p.performedDateTime ?? p.performedPeriod?.start, i18n.lang);
    const end = p.performedPeriod?.end;
    return end && end !== p.performedPeriod?.start ? `${start} – ${formatDate(end, i18n.lang)}` : start;
  };
  return (
    <>
      {leftOut && <p class="note" role="note">{i18n.t('note')}: {i18n.t('surgeryNote')}</p>}
      {procedures.length === 0 ? <p>{i18n.t('noEntries')}</p> : (
        <>
          <p class="muted">{i18n.t('count', { n: procedures.length })}</p>
          <DataTable caption={i18n.t('tabTreatment')} rows={procedures} rowKey={(p, i) => p.id ?? String(i)} columns={[
            { header: i18n.t('date'), cell: when, nowrap: true },
            { header: i18n.t('kind'), cell: p => i18n.t(`kind.${p.category?.coding?.[0]?.code ?? ''}`), nowrap: true },
            { header: i18n.t('procedure'), cell: p => <Coded value={concept(p.code)} /> },
            { header: i18n.t('institution'), cell: p => <Organization reference={p.performer?.[0]?.actor} /> },
          ]} />
        </>
      )}
    </>
  );
}
