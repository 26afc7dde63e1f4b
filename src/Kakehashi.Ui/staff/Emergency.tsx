// 救急時医療情報閲覧: a hospital doctor states why the patient's information is needed to protect
// their life (POST $emergency-access), then sees the one-page emergency summary — under a banner
// saying that the view is recorded and shown to the patient.
import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { localError } from '../lib/api';
import type { Bundle } from '../lib/fhir';
import { ScreenTitle } from '../lib/frame';
import { useI18n } from '../lib/i18n';
import { useAction } from '../lib/load';
import { useSession } from '../lib/session';
import { ErrorBox, Loading } from '../lib/ui';
import { ConsentRefusal, ItemsView } from './ClinicalItems';
import { PatientForm, WithPatient } from './patientParts';

export function Emergency({ patientId }: { patientId: string | null }) {
  const i18n = useI18n();
  return (
    <section aria-labelledby="emergency-title">
      <ScreenTitle id="emergency-title" focusKey={`emergency:${patientId ?? ''}`}>{i18n.t('sh.emergencyTitle')}</ScreenTitle>
      <p class="muted">{i18n.t('sh.emergencyHelp')}</p>
      <PatientForm patientId={patientId} page="emergency" />
      {patientId && <WithPatient key={patientId} patientId={patientId}>{() => <EmergencyPanel patientId={patientId} />}</WithPatient>}
    </section>
  );
}

function EmergencyPanel({ patientId }: { patientId: string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const [reason, setReason] = useState('');
  const [summary, run] = useAction<Bundle>();
  const id = encodeURIComponent(patientId);
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async signal => {
      const text = reason.trim();
      if (!text) throw localError('reason', 'A reason is required.', 'required');
      await api.send(`/fhir/Patient/${id}/$emergency-access`, {
        method: 'POST', signal, contentType: 'application/fhir+json',
        body: { resourceType: 'Parameters', parameter: [{ name: 'reason', valueString: text }] },
      });
      return api.send<Bundle>(`/fhir/Patient/${id}/$emergency-summary`, { signal });
    });
  };
  if (summary.status === 'done') {
    return (
      <div id="emergency-summary">
        <p class="warning-banner" role="alert" id="emergency-banner">{i18n.t('sh.emergencyRecorded')}</p>
        <p class="actions no-print"><button type="button" onClick={() => window.print()}>{i18n.t('print')}</button></p>
        <ItemsView bundle={summary.value} kinds={['diagnoses', 'allergies', 'contraindications', 'prescriptions', 'labs']} />
      </div>
    );
  }
  return (
    <form noValidate id="emergency-form" onSubmit={submit}>
      <p class="warning-banner">{i18n.t('sh.emergencyWarning')}</p>
      <p>
        <label for="reason">{i18n.t('sh.emergencyReason')}</label>
        <textarea id="reason" name="reason" rows={3} required value={reason} onInput={e => setReason(e.currentTarget.value)}
          aria-invalid={summary.status === 'failed' && summary.error.status === 400 ? 'true' : undefined} />
        <small>{i18n.t('sh.emergencyReasonHelp')}</small>
      </p>
      <p><button type="submit" class="primary" disabled={summary.status === 'loading'}>{i18n.t('sh.emergencyOpen')}</button></p>
      {summary.status === 'loading' && <Loading />}
      {summary.status === 'failed' && (summary.error.status === 400 && summary.error.issues[0]?.expression?.[0] === 'reason'
        ? <p class="error" role="alert" id="reason-error">{i18n.t('sh.emergencyReasonRequired')}</p>
        : summary.error.status === 403 && /consent/i.test(summary.error.issues[0]?.diagnostics ?? '')
          ? <ConsentRefusal error={summary.error} noConsentKey="sh.noConsentItems" />
          : <ErrorBox title={i18n.t('sh.emergencyRefused')} error={summary.error} />)}
    </form>
  );
}
