// The patient a patient-keyed screen is about (history, 6情報, emergency summary, referral): the
// id typed or handed over in the address, and the banner naming them (kanji, kana, age, sex).
import type { ComponentChildren, TargetedEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ageOn, todayInJapan } from '../lib/dates';
import type { Resource } from '../lib/fhir';
import { formatDate, formatGender, type HumanName, patientNames } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { Details, ErrorBox, Loading, PersonName } from '../lib/ui';

export interface Patient extends Resource {
  name?: HumanName[];
  birthDate?: string;
  gender?: string;
  address?: { text?: string; state?: string; city?: string; district?: string; line?: string[] }[];
}

/** The patient id field; opening goes to the screen's address for that patient (#/{page}/{id}). */
export function PatientForm({ patientId, page }: { patientId: string | null; page: string }) {
  const i18n = useI18n();
  const [value, setValue] = useState(patientId ?? '');
  useEffect(() => setValue(patientId ?? ''), [patientId]);
  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const id = value.trim();
    if (id) location.hash = href(page, id);
  };
  return (
    <form noValidate id="patient-form" class="inline" onSubmit={submit}>
      <p>
        <label for="patientId">{i18n.t('patientId')}</label>
        <input id="patientId" name="patientId" autocomplete="off" required value={value} onInput={e => setValue(e.currentTarget.value)} />
        <button type="submit">{i18n.t('open')}</button>
      </p>
    </form>
  );
}

/** Name, kana, age and sex of the patient on screen: the one thing that must never be wrong. */
export function PatientBanner({ patient }: { patient: Patient }) {
  const i18n = useI18n();
  const { kanji, kana } = patientNames(patient);
  const age = patient.birthDate ? ageOn(patient.birthDate, todayInJapan()) : null;
  return (
    <section id="patient-card" class="patient" aria-label={i18n.t('patientBanner')}>
      <p><PersonName kanji={kanji} kana={kana} id="patient-name" />{age !== null && <span class="age">{i18n.t('age', { n: age })}</span>}</p>
      <Details rows={[[i18n.t('birth'), formatDate(patient.birthDate, i18n.lang)], [i18n.t('gender'), formatGender(patient.gender, i18n)]]} />
    </section>
  );
}

/** Loads the patient; shows the banner and then the screen's part, or why the patient cannot be shown. */
export function WithPatient({ patientId, children }: { patientId: string; children: (patient: Patient) => ComponentChildren }) {
  const i18n = useI18n();
  const { api } = useSession();
  const patient = useLoad(`patient:${patientId}`, signal => api.send<Patient>(`/fhir/Patient/${encodeURIComponent(patientId)}`, { signal }));
  if (patient.status === 'loading' || patient.status === 'idle') return <div id="patient-card"><Loading /></div>;
  if (patient.status === 'failed') {
    const notFound = patient.error.status === 404 || patient.error.status === 410;
    return (
      <div id="patient-card">
        {notFound
          ? <p class="error" role="alert">{i18n.t('patientNotFound', { id: patientId })}</p>
          : <ErrorBox title={i18n.t('notAllowed')} error={patient.error} />}
      </div>
    );
  }
  return <><PatientBanner patient={patient.value} />{children(patient.value)}</>;
}
