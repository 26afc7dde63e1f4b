// わたしの処方箋: the patient's own prescriptions — what was prescribed, where it stands, and,
// while it may still be dispensed, the exchange number (引換番号) to give at any pharmacy.
import { ScreenTitle } from '../lib/frame';
import { formatDate } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { ErrorBox, Loading } from '../lib/ui';

interface PrescriptionItem {
  id: string;
  status: string;
  statusText: string;
  exchangeNumber: string;
  prescriber: string;
  issued: string;
  dispensableUntil: string;
  usesAllowed: number;
  usesDone: number;
  electronic: boolean;
  prescription?: { entry?: { resource?: { resourceType?: string; medicationCodeableConcept?: { text?: string; coding?: { display?: string }[] } } }[] };
}

/** The drug names of the prescription document, as the prescriber wrote them. */
function drugs(item: PrescriptionItem): string[] {
  return (item.prescription?.entry ?? [])
    .map(e => e.resource)
    .filter(r => r?.resourceType === 'MedicationRequest')
    .map(r => r?.medicationCodeableConcept?.text ?? r?.medicationCodeableConcept?.coding?.[0]?.display ?? '')
    .filter(name => name.length > 0);
}

export function Prescriptions() {
  const i18n = useI18n();
  const { api } = useSession();
  const list = useLoad('prescriptions', signal => api.send<{ items: PrescriptionItem[] }>('/prescriptions', { signal }));
  return (
    <section aria-labelledby="prescriptions-title">
      <ScreenTitle id="prescriptions-title" focusKey="prescriptions">{i18n.t('prescriptionsTitle')}</ScreenTitle>
      <p>{i18n.t('prescriptionsHelp')}</p>
      {list.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={list.error} />
        : list.status !== 'done' ? <Loading />
          : list.value.items.length === 0 ? <p>{i18n.t('noPrescriptions')}</p> : (
            <ol class="cards" id="prescription-list">
              {list.value.items.map(item => (
                <li key={item.id} class="card">
                  <p class="card-title">
                    {formatDate(item.issued, i18n.lang)} <span class="rx-status">{item.statusText}</span>
                    {item.usesAllowed > 1 && <span class="code">{i18n.t('refillUses', { done: String(item.usesDone), allowed: String(item.usesAllowed) })}</span>}
                  </p>
                  <ul>{drugs(item).map((name, i) => <li key={i}>{name}</li>)}</ul>
                  {item.status === 'registered' && (
                    <p class="exchange">
                      {i18n.t('exchangeNumber')}: <strong class="exchange-number">{item.exchangeNumber}</strong>{' '}
                      {i18n.t('dispensableUntil', { date: formatDate(item.dispensableUntil, i18n.lang) })}
                    </p>
                  )}
                  <p class="muted">{i18n.t('prescribedBy')} <span class="code">{item.prescriber}</span> · {i18n.t(item.electronic ? 'electronicRx' : 'paperRx')}</p>
                </li>
              ))}
            </ol>
          )}
    </section>
  );
}
