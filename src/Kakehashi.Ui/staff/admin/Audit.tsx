// 監査ログの検索: filters (who, patient, organization, period, outcome, emergency), 50 rows a
// page going back in time, and the hash chain's verification.
import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { localError } from '../../lib/api';
import { parseDateInput } from '../../lib/dates';
import { ScreenTitle } from '../../lib/frame';
import { formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useAction } from '../../lib/load';
import { useSession } from '../../lib/session';
import { DateField, ErrorBox } from '../../lib/ui';

interface AuditRow {
  index: number;
  record: {
    recordedAt: string; agent: string; organization?: string; jobType: string; patient?: string; action: string; interaction: string;
    resource: string; outcome: number; emergency: boolean; reason?: string;
  };
}

interface Verification { intact: boolean; message: string }

const pageSize = 50;

export function Audit() {
  const i18n = useI18n();
  const { api } = useSession();
  const [filters, setFilters] = useState({ agent: '', patient: '', organization: '', since: '', until: '', outcome: '', emergency: false });
  const [rows, setRows] = useState<AuditRow[]>([]);
  const [search, run] = useAction<AuditRow[]>();
  const [verification, verify] = useAction<Verification>();

  const query = (before?: number) => {
    const params = new URLSearchParams({ count: String(pageSize) });
    for (const name of ['agent', 'patient', 'organization', 'outcome'] as const) if (filters[name].trim()) params.set(name, filters[name].trim());
    for (const name of ['since', 'until'] as const) {
      if (!filters[name].trim()) continue;
      const parsed = parseDateInput(filters[name]);
      if (!('iso' in parsed)) throw localError(name, `date.${parsed.problem}`);
      params.set(name, `${parsed.iso}T${name === 'since' ? '00:00:00' : '23:59:59'}+09:00`);
    }
    if (filters.emergency) params.set('emergency', 'true');
    if (before !== undefined) params.set('before', String(before));
    return `/admin/audit?${params}`;
  };
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async signal => {
      const page = await api.send<AuditRow[]>(query(), { signal });
      setRows(page);
      return page;
    });
  };
  const next = () => void run(async signal => {
    const page = await api.send<AuditRow[]>(query(rows.at(-1)?.index), { signal });
    setRows(r => [...r, ...page]);
    return page;
  });
  const text = (name: 'agent' | 'patient' | 'organization', label: string) => (
    <p><label for={`audit-${name}`}>{label}</label>
      <input id={`audit-${name}`} autocomplete="off" value={filters[name]} onInput={e => { const v = e.currentTarget.value; setFilters(f => ({ ...f, [name]: v })); }} /></p>
  );
  const lastPage = search.status === 'done' && search.value.length < pageSize;

  return (
    <section aria-labelledby="audit-title">
      <ScreenTitle id="audit-title" focusKey="admin-audit">{i18n.t('auditTitle')}</ScreenTitle>
      <form noValidate id="audit-search" onSubmit={submit}>
        <div class="fields">
          {text('agent', i18n.t('agent'))}
          {text('patient', i18n.t('patientRef'))}
          {text('organization', i18n.t('organizationLabel'))}
          <DateField name="audit-since" label={i18n.t('since')} value={filters.since} onInput={v => setFilters(f => ({ ...f, since: v }))} />
          <DateField name="audit-until" label={i18n.t('until')} value={filters.until} onInput={v => setFilters(f => ({ ...f, until: v }))} />
          <p><label for="audit-outcome">{i18n.t('outcomeLabel')}</label>
            <select id="audit-outcome" value={filters.outcome} onChange={e => { const v = e.currentTarget.value; setFilters(f => ({ ...f, outcome: v })); }}>
              <option value="">{i18n.t('outcome.any')}</option><option value="success">{i18n.t('outcome.success')}</option><option value="failure">{i18n.t('outcome.failure')}</option>
            </select></p>
          <p><label class="choice"><input type="checkbox" checked={filters.emergency} onChange={e => { const v = e.currentTarget.checked; setFilters(f => ({ ...f, emergency: v })); }} />{i18n.t('emergencyOnly')}</label></p>
        </div>
        <p class="actions">
          <button type="submit" class="primary" disabled={search.status === 'loading'}>{i18n.t('searchAudit')}</button>
          <button type="button" onClick={() => void verify(signal => api.send<Verification>('/admin/audit/verify', { signal }))}>{i18n.t('verify')}</button>
        </p>
      </form>
      {verification.status === 'done' && (
        <p role="status" class={verification.value.intact ? 'notice' : 'error'} id="audit-verification">
          {i18n.t(verification.value.intact ? 'verifyOk' : 'verifyBroken', { detail: verification.value.message })}</p>
      )}
      {verification.status === 'failed' && <ErrorBox title={i18n.t('adminFailed')} error={verification.error} />}
      {search.status === 'failed' && <ErrorBox title={i18n.t('adminFailed')} error={search.error} />}
      {rows.length === 0 && search.status === 'done' && <p>{i18n.t('noRows')}</p>}
      {rows.length > 0 && (
        <div class="scroll" tabIndex={0} role="region" aria-label={i18n.t('auditTitle')}>
          <table id="audit-rows">
            <caption>{i18n.t('auditTitle')}</caption>
            <thead><tr>
              <th scope="col" class="nowrap">{i18n.t('recordedAt')}</th><th scope="col">{i18n.t('agent')}</th><th scope="col" class="nowrap">{i18n.t('jobTypeLabel')}</th>
              <th scope="col" class="nowrap">{i18n.t('organizationLabel')}</th><th scope="col">{i18n.t('interaction')}</th><th scope="col">{i18n.t('patientCol')}</th>
              <th scope="col" class="nowrap">{i18n.t('status')}</th>
            </tr></thead>
            <tbody>
              {rows.map(({ index, record: r }) => (
                <tr key={index} class={r.emergency ? 'emergency' : undefined}>
                  <th scope="row" class="nowrap">{formatDateTime(r.recordedAt, i18n.lang)}</th>
                  <td class="code">{r.agent}</td>
                  <td class="nowrap">{i18n.t(`role.${r.jobType}`)}</td>
                  <td class="nowrap code">{r.organization ?? ''}</td>
                  <td>{r.interaction} <span class="code">{r.resource}</span></td>
                  <td class="code">{r.patient ?? ''}</td>
                  <td class="nowrap">{r.outcome}{r.emergency && <strong class="refused"> {i18n.t('emergencyMark')}{r.reason ? `（${r.reason}）` : ''}</strong>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length > 0 && !lastPage && <p><button type="button" onClick={next} disabled={search.status === 'loading'}>{i18n.t('nextPage')}</button></p>}
    </section>
  );
}
