// 緊急アラート: every emergency (break-the-glass) access raises an alert; an administrator
// reviews and acknowledges it.
import { useState } from 'preact/hooks';
import { ScreenTitle } from '../../lib/frame';
import { formatDateTime } from '../../lib/format';
import { useI18n } from '../../lib/i18n';
import { useAction, useLoad } from '../../lib/load';
import { useSession } from '../../lib/session';
import { Details, ErrorBox, Loading } from '../../lib/ui';

interface Alert { id: string; raisedAt: string; kind: string; organizationCode: string; agent: string; patientKey?: string; detail: string }

export function Alerts() {
  const i18n = useI18n();
  const { api } = useSession();
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const alerts = useLoad(`alerts:${version}`, signal => api.send<Alert[]>('/admin/alerts?open=true', { signal }));
  const [action, run] = useAction<unknown>();
  const acknowledge = (alert: Alert) => void run(async signal => {
    await api.send(`/admin/alerts/${encodeURIComponent(alert.id)}/acknowledge`, { method: 'POST', signal });
    setMessage(i18n.t('acknowledged'));
    setVersion(v => v + 1);
  });
  return (
    <section aria-labelledby="alerts-title">
      <ScreenTitle id="alerts-title" focusKey="admin-alerts">{i18n.t('alertsTitle')}</ScreenTitle>
      <p role="status" class="notice" hidden={!message}>{message ?? ''}</p>
      {action.status === 'failed' && <ErrorBox title={i18n.t('adminFailed')} error={action.error} />}
      {alerts.status === 'failed' ? <ErrorBox title={i18n.t('adminFailed')} error={alerts.error} /> : alerts.status !== 'done' ? <Loading />
        : alerts.value.length === 0 ? <p>{i18n.t('noAlerts')}</p> : (
          <ul class="cards" id="alerts">
            {alerts.value.map(a => (
              <li key={a.id} class="card emergency">
                <p class="card-title">{formatDateTime(a.raisedAt, i18n.lang)} <span class="code">{a.organizationCode}</span></p>
                <Details rows={[[i18n.t('agent'), <span class="code">{a.agent}</span>], [i18n.t('patientCol'), a.patientKey ?? ''], [i18n.t('reason'), a.detail]]} />
                <p><button type="button" onClick={() => acknowledge(a)}>{i18n.t('acknowledge')}</button></p>
              </li>
            ))}
          </ul>
        )}
    </section>
  );
}
