// 特定健診: the checkups across the years as a table — one column per checkup (newest first),
// one row per item — so a value's course (HbA1c, blood pressure…) reads along a row.
import type { Bundle, Resource } from '../fhir';
import { resourcesOf } from '../fhir';
import type { DiagnosticReport, Observation } from '../fhirTypes';
import { concept, formatDate } from '../format';
import { useI18n } from '../i18n';
import { Coded, DataTable } from '../ui';
import { quantity } from './common';

export function observationValue(o: Observation): string {
  if (o.valueQuantity) return quantity(o.valueQuantity);
  if (o.valueCodeableConcept) return concept(o.valueCodeableConcept).text;
  if (o.valueString !== undefined) return o.valueString;
  if (o.valueBoolean !== undefined) return String(o.valueBoolean);
  if (o.valueInteger !== undefined) return String(o.valueInteger);
  return o.dataAbsentReason ? '—' : '';
}

interface Item { key: string; code: Observation['code']; values: string[] }

export function CheckupView({ bundle }: { bundle: Bundle }) {
  const i18n = useI18n();
  const byUrl = new Map<string | undefined, Resource | undefined>((bundle.entry ?? []).map(e => [e.fullUrl, e.resource]));
  const reports = resourcesOf<DiagnosticReport>(bundle, 'DiagnosticReport');
  if (reports.length === 0) return <p>{i18n.t('noEntries')}</p>;
  const items = new Map<string, Item>();
  reports.forEach((report, column) => {
    for (const reference of report.result ?? []) {
      const observation = byUrl.get(reference.reference) as Observation | undefined;
      if (!observation) continue;
      const coding = observation.code?.coding?.[0];
      const key = `${coding?.system}|${coding?.code}`;
      const item = items.get(key) ?? { key, code: observation.code, values: [] };
      item.values[column] = observationValue(observation);
      items.set(key, item);
    }
  });
  return (
    <>
      <p class="muted">{i18n.t('count', { n: reports.length })}</p>
      <DataTable caption={i18n.t('tabCheckup')} rows={[...items.values()]} rowKey={item => item.key} columns={[
        { header: i18n.t('item'), cell: (item: Item) => <Coded value={concept(item.code)} /> },
        ...reports.map((r, column) => ({
          header: <span class="nowrap">{formatDate(r.effectiveDateTime, i18n.lang)}{r.performer?.[0]?.display && <span class="code">{r.performer[0].display}</span>}</span>,
          cell: (item: Item) => item.values[column] ?? '',
          nowrap: true,
        })),
      ]} />
    </>
  );
}
