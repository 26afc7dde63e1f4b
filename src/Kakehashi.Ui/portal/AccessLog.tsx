// わたしの情報を見た記録: every access by someone else, from the audit trail, in plain words —
// which organization, which job, when, what kind of information — emergency views marked.
import { ScreenTitle } from '../lib/frame';
import { formatDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { ErrorBox, Loading } from '../lib/ui';

interface AccessRow {
  when: string;
  organization?: string;
  organizationName?: string;
  organizationKind?: string;
  jobType: string;
  action: string;
  interaction: string;
  resourceType: string;
  category?: string;
  verb: 'read' | 'search' | 'create' | 'update' | 'delete' | 'other';
  outcome: number;
  emergency: boolean;
  reason?: string;
}


export function AccessLog() {
  const i18n = useI18n();
  const { api } = useSession();
  const log = useLoad('access-log', signal => api.send<AccessRow[]>('/me/access-log', { signal }));
  return (
    <section aria-labelledby="access-title">
      <ScreenTitle id="access-title" focusKey="access-log">{i18n.t('accessLogTitle')}</ScreenTitle>
      <p>{i18n.t('accessLogHelp')}</p>
      {log.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={log.error} />
        : log.status !== 'done' ? <Loading />
          : log.value.length === 0 ? <p>{i18n.t('noAccess')}</p> : (
            <ol class="cards" id="access-log">
              {log.value.map((row, i) => (
                <li key={i} class={`card${row.emergency ? ' emergency' : ''}`}>
                  <p class="card-title">
                    {row.organizationName ?? row.organization ?? i18n.t('role.system')}
                    {row.organization && <span class="code">{row.organization}</span>}
                  </p>
                  <p>
                    <span class="when">{formatDateTime(row.when, i18n.lang)}</span>{' '}
                    {i18n.t(`role.${row.jobType}`)}{i18n.lang === 'ja' ? 'が' : ' '}
                    {i18n.t(`category.${row.category ?? 'none'}`)}{i18n.lang === 'ja' ? 'を' : ': '}
                    {i18n.t(`action.${row.verb}`)}
                    {row.outcome >= 400 && <span class="refused">（{i18n.t('refused')}）</span>}
                  </p>
                  {row.emergency && (
                    <p class="emergency-note" role="note"><strong>{i18n.t('emergency')}</strong>: {i18n.t('emergencyHelp', { reason: row.reason ?? '' })}</p>
                  )}
                </li>
              ))}
            </ol>
          )}
    </section>
  );
}
