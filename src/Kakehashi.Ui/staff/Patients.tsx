// 患者検索: find a patient by name or kana, birth date, or the clinic's patient number, then open
// their history views (for the job types that may). The results are whatever the server lets
// this job type see of the patients (demographics are not consent-bound: reception must find them).
import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { localError } from '../lib/api';
import { ageOn, parseDateInput, todayInJapan } from '../lib/dates';
import { type Bundle, resourcesOf } from '../lib/fhir';
import { ScreenTitle } from '../lib/frame';
import { formatDate, formatGender, type HumanName, patientNames } from '../lib/format';
import type { Resource } from '../lib/fhir';
import { useI18n } from '../lib/i18n';
import { halfWidth } from '../lib/insurance';
import { useAction } from '../lib/load';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { DateField, ErrorBox, PersonName } from '../lib/ui';

interface Patient extends Resource {
  name?: HumanName[];
  birthDate?: string;
  gender?: string;
  identifier?: { system?: string; value?: string }[];
}

/** The clinic's own patient numbers (JP Core: the institution's OID arc + its code). */
const patientNumberSystem = 'urn:oid:1.2.392.100495.20.3.51.1';

export function Patients({ canOpenHistory }: { canOpenHistory: boolean }) {
  const i18n = useI18n();
  const { api, user } = useSession();
  const [query, setQuery] = useState({ name: '', birthDate: '', number: '' });
  const [result, search] = useAction<Patient[]>();

  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void search(async signal => {
      const params = new URLSearchParams({ _count: '50' });
      if (query.name.trim()) params.set('name', query.name.trim());
      if (query.number.trim()) params.set('identifier', halfWidth(query.number));
      if (query.birthDate.trim()) {
        const parsed = parseDateInput(query.birthDate);
        if (!('iso' in parsed)) throw localError('birthDate', `date.${parsed.problem}`);
        params.set('birthdate', parsed.iso);
      }
      if ([...params.keys()].length === 1) throw localError('name', 'search.empty');
      const bundle = await api.send<Bundle>(`/fhir/Patient?${params}`, { signal });
      return resourcesOf<Patient>(bundle, 'Patient');
    });
  };
  // This clinic's number first, else any clinic's (the system is the arc followed by the institution code).
  const ownNumber = (p: Patient) => (p.identifier?.find(i => i.system === `${patientNumberSystem}${user.organization ?? ''}`)
    ?? p.identifier?.find(i => i.system?.startsWith(patientNumberSystem)))?.value;

  return (
    <section aria-labelledby="patients-title">
      <ScreenTitle id="patients-title" focusKey="patients">{i18n.t('patientsTitle')}</ScreenTitle>
      <form id="patient-search" noValidate onSubmit={submit}>
        <div class="fields">
          <p><label for="search-name">{i18n.t('nameOrKana')}</label>
            <input id="search-name" autocomplete="off" value={query.name} onInput={e => { const v = e.currentTarget.value; setQuery(q => ({ ...q, name: v })); }} /></p>
          <DateField name="search-birth" label={i18n.t('birthDate')} value={query.birthDate} onInput={v => setQuery(q => ({ ...q, birthDate: v }))} />
          <p><label for="search-number">{i18n.t('patientNumber')}</label>
            <input id="search-number" inputMode="numeric" autocomplete="off" value={query.number} onInput={e => { const v = e.currentTarget.value; setQuery(q => ({ ...q, number: v })); }} /></p>
        </div>
        <p><button type="submit" class="primary" disabled={result.status === 'loading'}>{i18n.t('searchPatients')}</button></p>
      </form>
      {result.status === 'failed' && <ErrorBox title={i18n.t('searchFailed')} error={result.error}
        patterns={[{ pattern: /^search\.empty$/, key: 'search.empty' }, { pattern: /^date\./, key: 'date.format' }]} fieldLabel={f => i18n.t(f === 'birthDate' ? 'birthDate' : 'nameOrKana')} />}
      {result.status === 'done' && (result.value.length === 0 ? <p role="status">{i18n.t('noPatients')}</p> : (
        <div class="scroll" tabIndex={0} role="region" aria-label={i18n.t('patientsTitle')}>
          <table id="patient-results">
            <caption>{i18n.t('count', { n: result.value.length })}</caption>
            <thead><tr>
              <th scope="col">{i18n.t('name')}</th><th scope="col" class="nowrap">{i18n.t('birthDate')}</th>
              <th scope="col" class="nowrap">{i18n.t('gender')}</th><th scope="col" class="nowrap">{i18n.t('patientNumber')}</th>
              {canOpenHistory && <th scope="col">{i18n.t('actions')}</th>}
            </tr></thead>
            <tbody>
              {result.value.map(p => {
                const { kanji, kana } = patientNames(p);
                const age = p.birthDate ? ageOn(p.birthDate, todayInJapan()) : null;
                return (
                  <tr key={p.id}>
                    <th scope="row"><PersonName kanji={kanji} kana={kana} /></th>
                    <td class="nowrap">{formatDate(p.birthDate, i18n.lang)}{age !== null && <span class="age">{i18n.t('age', { n: age })}</span>}</td>
                    <td class="nowrap">{formatGender(p.gender, i18n)}</td>
                    <td class="nowrap code">{ownNumber(p) ?? ''}</td>
                    {canOpenHistory && <td><a href={href('history', p.id)}>{i18n.t('openHistoryShort')}</a></td>}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
