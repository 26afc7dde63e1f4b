// What the prescriber's and the pharmacy's screens share: the answer of the duplicate and
// contraindication check, a prescription's lines, its state, and the patient handed over by the
// eligibility check (in memory only: gone on reload, sign-out and the idle lock).
import type { Bundle, Resource } from '../lib/fhir';
import { formatDate } from '../lib/format';
import { useI18n } from '../lib/i18n';
import type { DrugProduct, PrescribedLine } from '../lib/prescription';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { PersonName } from '../lib/ui';

/** The answer of /prescriptions/check (and the check inside a registration, retrieval or dispensing). */
export interface CheckAnswer {
  masterVersion: string;
  disclosed: boolean;
  duplicates: number;
  contraindications: number;
  unchecked: number;
  issues: Bundle;
}

/** A prescription as the server summarises it (with the document when listed or read). */
export interface PrescriptionSummary {
  id: string;
  status: string;
  statusText: string;
  exchangeNumber: string;
  prescriber?: string;
  pharmacy?: string | null;
  issued: string;
  dispensableFrom?: string;
  dispensableUntil: string;
  usesAllowed: number;
  usesDone: number;
  electronic: boolean;
  prescription?: unknown;
  check?: CheckAnswer;
}

/** The patient the eligibility check found, with the insurance it found (for the prescription's Coverage). */
export interface CheckedInPatient {
  id: string;
  name: string;
  nameKana?: string;
  birthDate: string;
  gender?: string;
  insurerNumber: string;
  insurerName?: string;
  symbol?: string;
  number: string;
  branch?: string;
  relationship?: string;
  copayPercent?: number;
}

let checkedIn: CheckedInPatient | null = null;

export function handOver(patient: CheckedInPatient | null): void {
  checkedIn = patient;
}

export function handedOver(): CheckedInPatient | null {
  return checkedIn;
}

interface DetectedIssue extends Resource {
  severity?: string;
  detail?: string;
  code?: { coding?: { system?: string; code?: string }[] };
}

const findingSystem = 'http://kakehashi.jp/fhir/CodeSystem/medication-check-finding';

/** The server's bilingual sentence: the Japanese part in Japanese, the English part in English. */
function sentence(text: string, lang: 'ja' | 'en'): string {
  const cut = text.search(/[。)] [A-Z]/);
  if (cut < 0) return text;
  return lang === 'ja' ? text.slice(0, cut + 1) : text.slice(cut + 2);
}

/** 重複投薬 / 併用禁忌 found, or that nothing was found; without consent, only that something was. */
export function CheckView({ check, id }: { check: CheckAnswer; id?: string }) {
  const i18n = useI18n();
  const entries = (check.issues.entry ?? []).map(e => e.resource).filter((r): r is Resource => !!r);
  const issues = entries.filter(r => r.resourceType === 'DetectedIssue') as DetectedIssue[];
  const notes = entries.filter(r => r.resourceType === 'OperationOutcome')
    .flatMap(o => ((o as { issue?: { code?: string; diagnostics?: string }[] }).issue ?? []))
    .filter(i => i.code !== 'suppressed');
  return (
    <section class="check" id={id} aria-label={i18n.t('rx.checkTitle')}>
      <h3>{i18n.t('rx.checkTitle')}</h3>
      {issues.length === 0
        ? <p class="check-ok">{i18n.t('rx.checkNone')}</p>
        : (
          <ul class="findings">
            {issues.map((issue, n) => {
              const kind = issue.code?.coding?.find(c => c.system === findingSystem)?.code ?? 'duplicate';
              return (
                <li key={n} class={`finding finding-${issue.severity ?? 'moderate'}`}>
                  <span class="badge">{i18n.t(`rx.finding.${kind}`)}</span> {issue.detail ?? ''}
                </li>
              );
            })}
          </ul>
        )}
      {!check.disclosed && issues.length > 0 && <p class="muted">{i18n.t('rx.notDisclosed')}</p>}
      {notes.map((note, n) => <p key={n} class="muted">{sentence(note.diagnostics ?? '', i18n.lang)}</p>)}
      <p class="muted small">{i18n.t('rx.masterVersion', { version: check.masterVersion })}</p>
    </section>
  );
}

/** 麻 / 向 / 新 / 貼: what a product is, as the master flags it. */
export function DrugFlags({ product }: { product: DrugProduct }) {
  const i18n = useI18n();
  const flags = (['narcotic', 'psychotropic', 'newDrug', 'poultice'] as const).filter(f => product[f]);
  return <>{flags.map(f => <abbr key={f} class={`flag flag-${f}`} title={i18n.t(`rx.flagLong.${f}`)}>{i18n.t(`rx.flag.${f}`)}</abbr>)}</>;
}

/** A prescription's lines: drug, usage, quantity, days. */
export function LinesTable({ lines, caption }: { lines: PrescribedLine[]; caption: string }) {
  const i18n = useI18n();
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={caption}>
      <table class="rx-lines">
        <caption>{caption}</caption>
        <thead><tr>
          <th scope="col">{i18n.t('rx.drug')}</th><th scope="col">{i18n.t('rx.usage')}</th>
          <th scope="col" class="nowrap">{i18n.t('rx.quantity')}</th><th scope="col" class="nowrap">{i18n.t('rx.days')}</th>
        </tr></thead>
        <tbody>
          {lines.map((line, n) => (
            <tr key={n}>
              <th scope="row"><span class="coded">{line.name}<span class="code">YJ {line.yjCode}</span></span></th>
              <td>{line.instruction}</td>
              <td class="nowrap">{line.quantity} {line.unit}</td>
              <td class="nowrap">{line.days !== null ? i18n.t('rx.daysValue', { n: line.days }) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** 未受付 / 受付済 / 調剤済 / 取消 / 期限切れ in the UI's language. */
export function StatusText({ status }: { status: string }) {
  const i18n = useI18n();
  return <span class={`rx-status rx-status-${status}`}>{i18n.has(`rx.status.${status}`) ? i18n.t(`rx.status.${status}`) : status}</span>;
}

export function PatientLine({ name, kana, birthDate }: { name: string; kana: string; birthDate: string }) {
  const i18n = useI18n();
  return <><PersonName kanji={name} kana={kana} /> <span class="muted">{formatDate(birthDate, i18n.lang)}</span></>;
}

/** The drug master's attribution, shown wherever drugs are searched. */
export function MasterAttribution() {
  const { api } = useSession();
  const master = useLoad('drug-master', signal => api.send<{ version: string; attribution: string }>('/prescriptions/drug-master', { signal }));
  return <p class="muted small" id="drug-master-attribution">{master.status === 'done' ? `${master.value.attribution}（${master.value.version}）` : ''}</p>;
}
