// 薬剤情報: one row per dispensing, grouped by day and institution (newest first), with the
// days' supply and a period filter.
import { useState } from 'preact/hooks';
import { todayInJapan } from '../dates';
import { type Bundle, resourcesOf } from '../fhir';
import type { MedicationDispense } from '../fhirTypes';
import { concept, formatDate } from '../format';
import { useI18n } from '../i18n';
import { Coded } from '../ui';
import { Organization, quantity, sources } from './common';

const periods = ['all', '3', '6', '12'] as const;
type PeriodChoice = (typeof periods)[number];

function monthsBefore(day: string, months: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCMonth(date.getUTCMonth() - months);
  return date.toISOString().slice(0, 10);
}

export function MedicationView({ bundle }: { bundle: Bundle }) {
  const i18n = useI18n();
  const [period, setPeriod] = useState<PeriodChoice>('all');
  const from = period === 'all' ? '' : monthsBefore(todayInJapan(), Number(period));
  const all = resourcesOf<MedicationDispense>(bundle, 'MedicationDispense');
  const shown = all
    .map(d => ({ d, day: (d.whenHandedOver ?? d.whenPrepared ?? '').slice(0, 10), place: d.performer?.[0]?.actor }))
    .filter(r => r.day >= from)
    .sort((a, b) => b.day.localeCompare(a.day) || (a.place?.display ?? '').localeCompare(b.place?.display ?? ''));
  const groups: { key: string; day: string; rows: typeof shown }[] = [];
  for (const row of shown) {
    const key = `${row.day}|${row.place?.identifier?.value ?? row.place?.display ?? ''}`;
    const last = groups.at(-1);
    if (last?.key === key) last.rows.push(row);
    else groups.push({ key, day: row.day, rows: [row] });
  }
  if (all.length === 0) return <p>{i18n.t('noEntries')}</p>;
  return (
    <>
      <p class="filters">
        <label for="medication-period">{i18n.t('period')}</label>
        <select id="medication-period" value={period} onChange={e => setPeriod(e.currentTarget.value as PeriodChoice)}>
          {periods.map(p => <option key={p} value={p}>{i18n.t(`period.${p}`)}</option>)}
        </select>
        <span class="muted">{i18n.t('count', { n: shown.length })}</span>
      </p>
      <div class="scroll" tabIndex={0} role="region" aria-label={i18n.t('tabMedication')}>
        <table>
          <caption>{i18n.t('tabMedication')}</caption>
          <thead>
            <tr>
              <th scope="col" class="nowrap">{i18n.t('date')}</th><th scope="col">{i18n.t('medication')}</th>
              <th scope="col" class="nowrap">{i18n.t('quantity')}</th><th scope="col" class="nowrap">{i18n.t('daysSupply')}</th>
              <th scope="col">{i18n.t('dosage')}</th><th scope="col">{i18n.t('institution')}</th><th scope="col" class="nowrap">{i18n.t('source')}</th>
            </tr>
          </thead>
          {groups.map(group => (
            <tbody key={group.key}>
              <tr class="group"><th scope="rowgroup" colSpan={7}>{formatDate(group.day, i18n.lang)}　<Organization reference={group.rows[0]!.place} /></th></tr>
              {group.rows.map(({ d }, i) => (
                <tr key={d.id ?? i}>
                  <td class="nowrap">{formatDate(d.whenHandedOver ?? d.whenPrepared, i18n.lang)}</td>
                  <th scope="row"><Coded value={concept(d.medicationCodeableConcept)} /></th>
                  <td class="nowrap">{quantity(d.quantity)}</td>
                  <td class="nowrap">{d.daysSupply?.value !== undefined ? i18n.t('days', { n: d.daysSupply.value }) : ''}</td>
                  <td>{(d.dosageInstruction ?? []).map(x => x.text).filter(Boolean).join(' / ')}</td>
                  <td><Organization reference={d.performer?.[0]?.actor} /></td>
                  <td class="nowrap">{sources(d, i18n)}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </>
  );
}
