// システム管理: the systems (SMART Backend Services clients) of the organization: disable and enable.
import { useState } from 'preact/hooks';
import { ScreenTitle } from '../../lib/frame';
import { formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useAction, useLoad } from '../../lib/load';
import { useSession } from '../../lib/session';
import { ErrorBox, Loading } from '../../lib/ui';

interface ClientRow {
  clientId: string;
  organizationCode: string;
  role: string;
  displayName: string;
  scopes: string;
  lastUsedAt?: string;
  disabledAt?: string;
}

export function Clients() {
  const i18n = useI18n();
  const { api } = useSession();
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const list = useLoad(`clients:${version}`, signal => api.send<ClientRow[]>('/admin/clients', { signal }));
  const [action, run] = useAction<unknown>();
  const act = (row: ClientRow, kind: 'disable' | 'enable') => void run(async signal => {
    await api.send(`/admin/clients/${encodeURIComponent(row.clientId)}/${kind}`, { method: 'POST', body: kind === 'disable' ? {} : undefined, signal });
    setMessage(i18n.t(kind === 'disable' ? 'disabledDone' : 'enabledDone', { name: row.displayName || row.clientId }));
    setVersion(v => v + 1);
  });
  return (
    <section aria-labelledby="clients-title">
      <ScreenTitle id="clients-title" focusKey="admin-clients">{i18n.t('clientsTitle')}</ScreenTitle>
      <p role="status" class="notice" hidden={!message}>{message ?? ''}</p>
      {action.status === 'failed' && <ErrorBox title={i18n.t('adminFailed')} error={action.error} />}
      {list.status === 'failed' ? <ErrorBox title={i18n.t('adminFailed')} error={list.error} /> : list.status !== 'done' ? <Loading /> : (
        <div class="scroll" tabIndex={0} role="region" aria-label={i18n.t('clientsTitle')}>
          <table>
            <caption>{i18n.t('clientsTitle')}</caption>
            <thead><tr>
              <th scope="col">{i18n.t('clientId')}</th><th scope="col">{i18n.t('displayName')}</th><th scope="col" class="nowrap">{i18n.t('roleLabel')}</th>
              <th scope="col">{i18n.t('scopes')}</th><th scope="col" class="nowrap">{i18n.t('lastUsed')}</th><th scope="col">{i18n.t('actions')}</th>
            </tr></thead>
            <tbody>
              {list.value.map(row => (
                <tr key={row.clientId}>
                  <th scope="row" class="code">{row.clientId}</th>
                  <td>{row.displayName}</td>
                  <td class="nowrap">{i18n.t(`role.${row.role}`)}</td>
                  <td class="code">{row.scopes}</td>
                  <td class="nowrap">{row.lastUsedAt ? formatDateTime(row.lastUsedAt, i18n.lang) : i18n.t('never')}</td>
                  <td>{row.disabledAt
                    ? <button type="button" onClick={() => act(row, 'enable')}>{i18n.t('enable')}</button>
                    : <button type="button" class="danger" onClick={() => act(row, 'disable')}>{i18n.t('disable')}</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
