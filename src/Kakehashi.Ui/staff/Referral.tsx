// 診療情報提供書の作成 (doctors, dentists): for the patient on screen, their address (prefilled
// from the platform's Patient; required by the document when the platform has none), the
// recipient institution (医療機関コード, 10 digits, required; department and doctor optional), the
// purpose, diagnoses, clinical course, medications, infections and remarks → POST
// /sharing/referrals, which builds and validates the JP-CLINS referral document; the server's
// refusals are shown field by field.
import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import { localError } from '../lib/api';
import { ScreenTitle } from '../lib/frame';
import { useI18n } from '../lib/i18n';
import { useAction } from '../lib/load';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { type DocumentMetadata, institutionCode } from '../lib/sharing';
import { Details, ErrorBox } from '../lib/ui';
import { type Patient, PatientForm, WithPatient } from './patientParts';

interface Draft {
  patientAddress: string; recipientInstitution: string; recipientInstitutionName: string; recipientDepartment: string; recipientDoctor: string;
  purpose: string; diagnoses: string; clinicalCourse: string; medications: string; infections: string; remarks: string;
}

const empty: Draft = { patientAddress: '', recipientInstitution: '', recipientInstitutionName: '', recipientDepartment: '', recipientDoctor: '', purpose: '', diagnoses: '', clinicalCourse: '', medications: '', infections: '', remarks: '' };
const fields: readonly (keyof Draft)[] = ['patientAddress', 'recipientInstitution', 'recipientInstitutionName', 'recipientDepartment', 'recipientDoctor', 'purpose', 'diagnoses', 'clinicalCourse', 'medications', 'infections', 'remarks'];
const multiline = new Set<keyof Draft>(['purpose', 'diagnoses', 'clinicalCourse', 'medications', 'infections', 'remarks']);
const errorPatterns = [
  { pattern: /institution (code|number)|10 digits/i, key: 'sh.error.recipientInstitution' },
  { pattern: /purpose/i, key: 'sh.error.purpose' },
  { pattern: /patientAddress|no address/i, key: 'sh.error.patientAddress' },
  { pattern: /qualification in force|insured number/i, key: 'sh.error.insured' },
];

const lines = (text: string) => text.split('\n').map(l => l.trim()).filter(Boolean);

/** The JSON POST /sharing/referrals takes (plain fields the server composes into a JP_Bundle_eReferral). */
export function referralBody(patientId: string, draft: Draft, code: string) {
  const optional = (value: string) => value.trim() || undefined;
  return {
    patient: patientId,
    patientAddress: optional(draft.patientAddress),
    recipientInstitution: code,
    recipientInstitutionName: optional(draft.recipientInstitutionName),
    recipientDepartment: optional(draft.recipientDepartment),
    recipientDoctor: optional(draft.recipientDoctor),
    purpose: draft.purpose.trim(),
    diagnoses: lines(draft.diagnoses),
    clinicalCourse: optional(draft.clinicalCourse),
    medications: optional(lines(draft.medications).join('\n')),
    infections: optional(draft.infections),
    remarks: optional(draft.remarks),
  };
}

export function Referral({ patientId }: { patientId: string | null }) {
  const i18n = useI18n();
  return (
    <section aria-labelledby="referral-title">
      <ScreenTitle id="referral-title" focusKey={`referral:${patientId ?? ''}`}>{i18n.t('sh.referralTitle')}</ScreenTitle>
      <PatientForm patientId={patientId} page="referral" />
      {patientId && <WithPatient key={patientId} patientId={patientId}>{patient => <ReferralForm patientId={patientId} address={addressOf(patient)} />}</WithPatient>}
    </section>
  );
}

/** The patient's address as one line (JP Core: the text, or its parts), to prefill the form. */
function addressOf(patient: Patient): string {
  const address = patient.address?.[0];
  if (!address) return '';
  return address.text?.trim() || [address.state, address.city, address.district, ...(address.line ?? [])].filter(Boolean).join('');
}

function ReferralForm({ patientId, address }: { patientId: string; address: string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const start = { ...empty, patientAddress: address };
  const [draft, setDraft] = useState<Draft>(start);
  const [sent, run, reset] = useAction<DocumentMetadata>();
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void run(async signal => {
      const code = institutionCode(draft.recipientInstitution);
      if (!code) throw localError('recipientInstitution', 'The recipient institution code has 10 digits.');
      if (!draft.purpose.trim()) throw localError('purpose', 'The purpose is required.', 'required');
      return api.send<DocumentMetadata>('/sharing/referrals', { method: 'POST', signal, body: referralBody(patientId, draft, code) });
    });
  };
  if (sent.status === 'done') {
    return (
      <div id="referral-sent" role="status">
        <p class="success">{i18n.t('sh.referralSent')}</p>
        <Details rows={[
          [i18n.t('sh.recipient'), `${sent.value.recipient?.name ?? ''} ${sent.value.recipient?.code ?? ''}`.trim()],
          [i18n.t('sh.documentId'), sent.value.id],
        ]} />
        <p class="actions">
          <a class="button" href={href('inbox')}>{i18n.t('sh.toSent')}</a>
          <button type="button" onClick={() => { setDraft(start); reset(); }}>{i18n.t('sh.newReferral')}</button>
        </p>
      </div>
    );
  }
  const failedField = sent.status === 'failed' ? (sent.error.issues[0]?.expression?.[0] ?? '').split('.').pop() : '';
  return (
    <form noValidate id="referral-form" onSubmit={submit}>
      {fields.map(field => (
        <p key={field}>
          <label for={field}>{i18n.t(`sh.field.${field}`)}{(field === 'recipientInstitution' || field === 'purpose') && <span class="required">{i18n.t('sh.required')}</span>}</label>
          {multiline.has(field)
            ? <textarea id={field} name={field} rows={field === 'clinicalCourse' ? 5 : 3} value={draft[field]} aria-invalid={failedField === field ? 'true' : undefined}
                onInput={e => setDraft({ ...draft, [field]: e.currentTarget.value })} />
            : <input id={field} name={field} autocomplete="off" value={draft[field]} inputMode={field === 'recipientInstitution' ? 'numeric' : undefined}
                aria-invalid={failedField === field ? 'true' : undefined} onInput={e => setDraft({ ...draft, [field]: e.currentTarget.value })} />}
          {i18n.has(`sh.help.${field}`) && <small>{i18n.t(`sh.help.${field}`)}</small>}
        </p>
      ))}
      <p><button type="submit" class="primary" id="send-referral" disabled={sent.status === 'loading'}>{i18n.t('sh.sendReferral')}</button></p>
      {sent.status === 'failed' && (
        <ErrorBox id="referral-error" title={i18n.t('sh.referralFailed')} error={sent.error} patterns={errorPatterns}
          fieldLabel={f => (fields.includes(f as keyof Draft) ? i18n.t(`sh.field.${f}`) : f)} />
      )}
    </form>
  );
}
