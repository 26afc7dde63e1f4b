// アカウント管理: people's accounts of the administrator's organization (the operator's: all):
// create one (its second-factor secret shown once), disable and enable, reset a second factor,
// and the accounts unused for 90 days. Every action is audited by the server.
import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { ScreenTitle } from '../../lib/frame';
import { formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useAction, useLoad } from '../../lib/load';
import { useSession } from '../../lib/session';
import { ErrorBox, Loading } from '../../lib/ui';

interface AccountRow {
  id: string;
  username: string;
  organizationCode: string;
  jobType: string;
  displayName: string;
  lastUsedAt?: string;
  disabledAt?: string;
  disabledReason?: string;
  locked: boolean;
}

const jobTypes = ['doctor', 'dentist', 'pharmacist', 'nurse', 'clerk', 'insurer-staff', 'municipal-staff', 'researcher', 'security-admin', 'patient'] as const;

export function Accounts() {
  const i18n = useI18n();
  const { api, user } = useSession();
  const [inactiveOnly, setInactiveOnly] = useState(false);
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const list = useLoad(`accounts:${inactiveOnly}:${version}`, signal => api.send<AccountRow[]>(`/admin/accounts${inactiveOnly ? '?inactive=true' : ''}`, { signal }));
  const [action, run] = useAction<unknown>();
  const done = (text: string) => {
    setMessage(text);
    setVersion(v => v + 1);
  };
  const act = (row: AccountRow, kind: 'disable' | 'enable' | 'reset') => void run(async signal => {
    const name = row.displayName || row.username;
    if (kind === 'reset') {
      const answer = await api.send<{ totpSecret: string }>(`/admin/accounts/${encodeURIComponent(row.id)}/reset-second-factor`, { method: 'POST', signal });
      done(`${i18n.t('newSecret', { name, secret: answer.totpSecret })} ${i18n.t('newSecretHelp')}`);
    } else {
      await api.send(`/admin/accounts/${encodeURIComponent(row.id)}/${kind}`, { method: 'POST', body: kind === 'disable' ? {} : undefined, signal });
      done(i18n.t(kind === 'disable' ? 'disabledDone' : 'enabledDone', { name }));
    }
  });

  return (
    <section aria-labelledby="accounts-title">
      <ScreenTitle id="accounts-title" focusKey="admin-accounts">{i18n.t('accountsTitle')}</ScreenTitle>
      <p role="status" class="notice" hidden={!message}>{message ?? ''}</p>
      {action.status === 'failed' && <ErrorBox title={i18n.t('adminFailed')} error={action.error} />}
      <p class="filters"><label class="choice"><input type="checkbox" checked={inactiveOnly} onChange={e => setInactiveOnly(e.currentTarget.checked)} />{i18n.t('onlyInactive')}</label></p>
      {list.status === 'failed' ? <ErrorBox title={i18n.t('adminFailed')} error={list.error} /> : list.status !== 'done' ? <Loading /> : (
        <div class="scroll" tabIndex={0} role="region" aria-label={i18n.t('accountsTitle')}>
          <table id="accounts">
            <caption>{i18n.t('accountsTitle')}</caption>
            <thead><tr>
              <th scope="col">{i18n.t('username')}</th><th scope="col">{i18n.t('displayName')}</th><th scope="col" class="nowrap">{i18n.t('jobTypeLabel')}</th>
              <th scope="col" class="nowrap">{i18n.t('organizationLabel')}</th><th scope="col" class="nowrap">{i18n.t('lastUsed')}</th>
              <th scope="col" class="nowrap">{i18n.t('state')}</th><th scope="col">{i18n.t('actions')}</th>
            </tr></thead>
            <tbody>
              {list.value.map(row => {
                const state = row.disabledAt ? 'disabled' : row.locked ? 'locked' : 'active';
                return (
                  <tr key={row.id}>
                    <th scope="row">{row.username}</th>
                    <td>{row.displayName}</td>
                    <td class="nowrap">{i18n.t(`role.${row.jobType}`)}</td>
                    <td class="nowrap code">{row.organizationCode}</td>
                    <td class="nowrap">{row.lastUsedAt ? formatDateTime(row.lastUsedAt, i18n.lang) : i18n.t('never')}</td>
                    <td class="nowrap">{i18n.t(`state.${state}`)}</td>
                    <td class="actions">
                      {row.disabledAt
                        ? <button type="button" onClick={() => act(row, 'enable')}>{i18n.t('enable')}</button>
                        : <button type="button" class="danger" onClick={() => act(row, 'disable')}>{i18n.t('disable')}</button>}
                      <button type="button" onClick={() => act(row, 'reset')}>{i18n.t('resetSecondFactor')}</button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <CreateAccount organization={user.organization ?? ''} onCreated={done} />
    </section>
  );
}

function CreateAccount({ organization, onCreated }: { organization: string; onCreated: (text: string) => void }) {
  const i18n = useI18n();
  const { api } = useSession();
  const [form, setForm] = useState({ username: '', displayName: '', jobType: 'clerk', organizationCode: organization, password: '', patientId: '' });
  const [action, run] = useAction<unknown>();
  const field = (name: keyof typeof form) => (e: TargetedEvent<HTMLInputElement | HTMLSelectElement>) => setForm(f => ({ ...f, [name]: e.currentTarget.value }));
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async signal => {
      const body = { ...form, patientId: form.jobType === 'patient' ? form.patientId : undefined };
      const answer = await api.send<{ totpSecret: string }>('/admin/accounts', { method: 'POST', body, signal });
      const name = form.displayName || form.username;
      onCreated(`${i18n.t('created', { name })} ${i18n.t('newSecret', { name, secret: answer.totpSecret })} ${i18n.t('newSecretHelp')}`);
      setForm(f => ({ ...f, username: '', displayName: '', password: '', patientId: '' }));
    });
  };
  return (
    <form noValidate id="create-account" onSubmit={submit} aria-labelledby="create-account-title">
      <h2 id="create-account-title">{i18n.t('createAccount')}</h2>
      <div class="fields">
        <p><label for="new-username">{i18n.t('username')}</label><input id="new-username" required autocomplete="off" value={form.username} onInput={field('username')} /></p>
        <p><label for="new-name">{i18n.t('displayName')}</label><input id="new-name" autocomplete="off" value={form.displayName} onInput={field('displayName')} /></p>
        <p><label for="new-job">{i18n.t('jobTypeLabel')}</label>
          <select id="new-job" value={form.jobType} onChange={field('jobType')}>{jobTypes.map(j => <option key={j} value={j}>{i18n.t(`role.${j}`)}</option>)}</select></p>
        <p><label for="new-org">{i18n.t('organizationLabel')}</label><input id="new-org" inputMode="numeric" value={form.organizationCode} onInput={field('organizationCode')} /></p>
        <p><label for="new-password">{i18n.t('password')}</label><input id="new-password" type="password" autocomplete="new-password" required minLength={12}
          aria-describedby="new-password-help" value={form.password} onInput={field('password')} /><small id="new-password-help">{i18n.t('passwordHelp')}</small></p>
        {form.jobType === 'patient' && <p><label for="new-patient">{i18n.t('patientIdLabel')}</label><input id="new-patient" value={form.patientId} onInput={field('patientId')} /></p>}
      </div>
      {action.status === 'failed' && <ErrorBox title={i18n.t('adminFailed')} error={action.error} />}
      <p><button type="submit" class="primary" disabled={action.status === 'loading'}>{i18n.t('create')}</button></p>
    </form>
  );
}
