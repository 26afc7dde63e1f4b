// 本日の受付: the patients this institution checked today, newest first (GET /eligibility/today),
// reloaded after each check.
import { formatDate, formatGender, formatTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { ErrorBox, Loading, PersonName } from '../lib/ui';

interface Queued {
  checkedAt: string;
  patient: { id: string; name?: string; nameKana?: string; birthDate?: string; gender?: string };
}

export function TodayList({ version, canOpenHistory }: { version: number; canOpenHistory: boolean }) {
  const i18n = useI18n();
  const { api } = useSession();
  const today = useLoad(`today:${version}`, signal => api.send<Queued[]>('/eligibility/today', { signal }));
  return (
    <section aria-labelledby="today-title" class="today">
      <h2 id="today-title">{i18n.t('todayTitle')}</h2>
      {today.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={today.error} />
        : today.status !== 'done' ? <Loading />
          : today.value.length === 0 ? <p class="muted">{i18n.t('todayEmpty')}</p> : (
            <table id="today-list">
              <caption>{i18n.t('count', { n: today.value.length })}</caption>
              <thead><tr>
                <th scope="col" class="nowrap">{i18n.t('checkedAt')}</th><th scope="col">{i18n.t('name')}</th>
                <th scope="col" class="nowrap">{i18n.t('birthDate')}</th><th scope="col" class="nowrap">{i18n.t('gender')}</th>
              </tr></thead>
              <tbody>
                {today.value.map(q => (
                  <tr key={q.patient.id}>
                    <th scope="row" class="nowrap">{formatTime(q.checkedAt)}</th>
                    <td>{canOpenHistory
                      ? <a href={href('history', q.patient.id)}><PersonName kanji={q.patient.name ?? ''} kana={q.patient.nameKana ?? ''} /></a>
                      : <PersonName kanji={q.patient.name ?? ''} kana={q.patient.nameKana ?? ''} />}</td>
                    <td class="nowrap">{formatDate(q.patient.birthDate, i18n.lang)}</td>
                    <td class="nowrap">{formatGender(q.patient.gender, i18n)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
    </section>
  );
}
