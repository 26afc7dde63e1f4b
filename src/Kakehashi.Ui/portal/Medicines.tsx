// わたしのお薬: the same medication view staff see with consent, of the patient's own record.
import type { Bundle } from '../lib/fhir';
import { ScreenTitle } from '../lib/frame';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { ErrorBox, Loading } from '../lib/ui';
import { MedicationView } from '../lib/views/MedicationView';

export function Medicines({ patientId }: { patientId: string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const view = useLoad(`medication:${patientId}`, signal => api.send<Bundle>(`/fhir/Patient/${encodeURIComponent(patientId)}/$medication-history`, { signal }));
  return (
    <section aria-labelledby="medicines-title">
      <ScreenTitle id="medicines-title" focusKey="medicines">{i18n.t('medicinesTitle')}</ScreenTitle>
      {view.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={view.error} />
        : view.status !== 'done' ? <Loading /> : <MedicationView bundle={view.value} />}
    </section>
  );
}
