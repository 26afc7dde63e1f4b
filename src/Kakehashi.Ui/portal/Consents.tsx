// わたしの同意: see, give, narrow and withdraw consents per institution and category, with their
// end. Every change is one call to /me/consents; the list is reloaded from the server after it,
// so what is shown is what is in force.
import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { localError } from '../lib/api';
import { parseDateInput, todayInJapan } from '../lib/dates';
import type { ErrorPattern } from '../lib/errors';
import { ScreenTitle } from '../lib/frame';
import { formatDate } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { halfWidth } from '../lib/insurance';
import { useAction, useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { DateField, Details, ErrorBox, Loading } from '../lib/ui';

interface ConsentRow {
  id: string;
  institutionCode: string;
  institutionName?: string;
  categories: string[];
  start?: string;
  end?: string;
  status: 'active' | 'future' | 'ended' | 'withdrawn';
  active: boolean;
}

const allCategories = ['medication', 'treatment', 'surgery', 'checkup', 'limit-certificate', 'clinical-items', 'documents'] as const;

const patterns: readonly ErrorPattern[] = [
  { pattern: /institution code|takes part in the platform/i, key: 'error.institution' },
  { pattern: /at least one category|is not a consent category/i, key: 'error.categories' },
  { pattern: /narrowing only takes categories away/i, key: 'error.notNarrower' },
  { pattern: /must be in the future/i, key: 'error.untilPast' },
  { pattern: /may be no later than/i, key: 'error.untilFar' },
  { pattern: /no longer in force/i, key: 'error.consentGone' },
  { pattern: /^date\.(format|invalid|era|empty)$/, key: 'date.format' },
];

/** The end of the chosen day in Japan, as an instant. */
function endOfDay(iso: string): string {
  return `${iso}T23:59:59+09:00`;
}

function oneYearFromToday(): string {
  const today = todayInJapan();
  return `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
}

export function Consents() {
  const i18n = useI18n();
  const { api } = useSession();
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const list = useLoad(`consents:${version}`, signal => api.send<ConsentRow[]>('/me/consents', { signal }));
  const changed = (key: string) => {
    setMessage(i18n.t(key));
    setVersion(v => v + 1);
  };
  const label = (field: string) => i18n.t(field === 'institutionCode' ? 'institutionCode' : field);
  return (
    <section aria-labelledby="consents-title">
      <ScreenTitle id="consents-title" focusKey="consents">{i18n.t('consentsTitle')}</ScreenTitle>
      <p>{i18n.t('consentsHelp')}</p>
      <p role="status" class="notice" hidden={!message}>{message ?? ''}</p>
      {list.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={list.error} />
        : list.status !== 'done' ? <Loading />
          : list.value.length === 0 ? <p>{i18n.t('noConsents')}</p> : (
            <ul class="cards" id="consent-list">
              {list.value.map(c => <ConsentCard key={c.id} consent={c} onChanged={changed} fieldLabel={label} />)}
            </ul>
          )}
      <GiveForm onGiven={() => changed('consentGiven')} fieldLabel={label} />
    </section>
  );
}

function CategoryChoice({ name, chosen, offered, onChange }: { name: string; chosen: string[]; offered: readonly string[]; onChange: (next: string[]) => void }) {
  const i18n = useI18n();
  return (
    <fieldset class="choices">
      <legend>{i18n.t('categories')}</legend>
      {offered.map(c => (
        <label key={c} class="choice">
          <input type="checkbox" name={name} value={c} checked={chosen.includes(c)}
            onChange={e => onChange(e.currentTarget.checked ? [...chosen, c] : chosen.filter(x => x !== c))} />
          {i18n.t(`category.${c}`)}
        </label>
      ))}
    </fieldset>
  );
}

function ConsentCard({ consent, onChanged, fieldLabel }: { consent: ConsentRow; onChanged: (key: string) => void; fieldLabel: (f: string) => string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const [narrowing, setNarrowing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [chosen, setChosen] = useState(consent.categories);
  const [until, setUntil] = useState('');
  const [action, run] = useAction<unknown>();
  const name = consent.institutionName ?? consent.institutionCode;

  const withdraw = () => {
    void run(async signal => {
      await api.send(`/me/consents/${encodeURIComponent(consent.id)}/withdraw`, { method: 'POST', signal });
      onChanged('consentWithdrawn');
    });
  };
  const saveNarrow = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async signal => {
      let end: string | undefined;
      if (until.trim()) {
        const parsed = parseDateInput(until);
        if (!('iso' in parsed)) throw localError('until', `date.${parsed.problem}`);
        end = endOfDay(parsed.iso);
      }
      await api.send(`/me/consents/${encodeURIComponent(consent.id)}/narrow`, { method: 'POST', body: { categories: chosen, until: end }, signal });
      setNarrowing(false);
      onChanged('consentNarrowed');
    });
  };

  return (
    <li class={`card consent-${consent.status}`} aria-label={name}>
      <p class="card-title">{name}<span class="code">{consent.institutionCode}</span>
        <span class={`badge-small consent-status-${consent.status}`}>{i18n.t(`consent.${consent.status}`)}</span></p>
      <Details rows={[
        [i18n.t('categories'), consent.categories.map(c => i18n.t(`category.${c}`)).join('、')],
        [i18n.t('from'), formatDate(consent.start, i18n.lang)],
        [i18n.t('until'), formatDate(consent.end, i18n.lang)],
      ]} />
      {action.status === 'failed' && <ErrorBox title={i18n.t('consentFailed')} error={action.error as ApiError} patterns={patterns} fieldLabel={fieldLabel} />}
      {consent.active && !narrowing && !confirming && (
        <p class="actions">
          <button type="button" onClick={() => setNarrowing(true)}>{i18n.t('narrow')}</button>
          <button type="button" class="danger" onClick={() => setConfirming(true)}>{i18n.t('withdraw')}</button>
        </p>
      )}
      {confirming && (
        <div class="confirm" role="group" aria-label={i18n.t('withdraw')}>
          <p>{i18n.t('withdrawConfirm', { name })}</p>
          <p class="actions">
            <button type="button" class="danger" onClick={withdraw} disabled={action.status === 'loading'}>{i18n.t('withdrawYes')}</button>
            <button type="button" onClick={() => setConfirming(false)}>{i18n.t('cancel')}</button>
          </p>
        </div>
      )}
      {narrowing && (
        <form noValidate onSubmit={saveNarrow} class="narrow">
          <CategoryChoice name={`narrow-${consent.id}`} chosen={chosen} offered={consent.categories} onChange={setChosen} />
          <DateField name={`until-${consent.id}`} label={i18n.t('until')} value={until} onInput={setUntil} />
          <p class="actions">
            <button type="submit" class="primary" disabled={action.status === 'loading'}>{i18n.t('saveNarrow')}</button>
            <button type="button" onClick={() => setNarrowing(false)}>{i18n.t('cancel')}</button>
          </p>
        </form>
      )}
    </li>
  );
}

function GiveForm({ onGiven, fieldLabel }: { onGiven: () => void; fieldLabel: (f: string) => string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const [code, setCode] = useState('');
  const [chosen, setChosen] = useState<string[]>(['medication', 'checkup', 'clinical-items']);
  const [until, setUntil] = useState(oneYearFromToday);
  const [action, run] = useAction<unknown>();
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async signal => {
      const parsed = parseDateInput(until);
      if (!('iso' in parsed)) throw localError('until', `date.${parsed.problem}`);
      await api.send('/me/consents', { method: 'POST', body: { institutionCode: halfWidth(code), categories: chosen, until: endOfDay(parsed.iso) }, signal });
      setCode('');
      onGiven();
    });
  };
  return (
    <form noValidate id="give-consent" onSubmit={submit} aria-labelledby="give-title">
      <h2 id="give-title">{i18n.t('giveTitle')}</h2>
      <p>
        <label for="institutionCode">{i18n.t('institutionCode')}</label>
        <input id="institutionCode" name="institutionCode" inputMode="numeric" autocomplete="off" required value={code}
          aria-describedby="institutionCode-help" onInput={e => setCode(e.currentTarget.value)} />
        <small id="institutionCode-help">{i18n.t('institutionCodeHelp')}</small>
      </p>
      <CategoryChoice name="give-categories" chosen={chosen} offered={allCategories} onChange={setChosen} />
      <DateField name="give-until" label={i18n.t('until')} value={until} onInput={setUntil} />
      {action.status === 'failed' && <ErrorBox title={i18n.t('consentFailed')} error={action.error} patterns={patterns} fieldLabel={fieldLabel} />}
      <p><button type="submit" class="primary" disabled={action.status === 'loading'}>{i18n.t('give')}</button></p>
    </form>
  );
}
