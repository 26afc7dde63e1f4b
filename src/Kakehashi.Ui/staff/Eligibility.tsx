// Reception: eligibility check by the data of an insurance card (POST /eligibility/check).
// The card is checked here first (digits, lengths, check digits, dates), so a typo is caught
// before anything is sent; the server checks everything again.
import type { RefObject, TargetedEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, localError } from '../lib/api';
import { parseDateInput, todayInJapan } from '../lib/dates';
import type { ErrorPattern } from '../lib/errors';
import { issueField } from '../lib/errors';
import { ScreenTitle } from '../lib/frame';
import { formatCopay, formatDate, formatGender } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { branchProblem, halfWidth, insurerNumberProblem, looksLikeMyNumber } from '../lib/insurance';
import { clearDraft, loadDraft, saveDraft } from '../lib/idle';
import { useAction } from '../lib/load';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { DateField, Details, ErrorBox } from '../lib/ui';
import { handOver } from './prescriptionParts';
import { TodayList } from './TodayList';

interface Answer {
  status: 'valid' | 'expired' | 'not-yet-valid' | 'not-found' | 'ambiguous';
  visitDate: string;
  candidates?: number;
  patient?: { id?: string; name?: string; nameKana?: string; birthDate?: string; gender?: string };
  qualification?: {
    insurerNumber: string; insurerName?: string; symbol?: string; number: string; branch?: string; relationship?: string;
    validFrom?: string; validUntil?: string; copayPercent?: number; limitCategory?: { code: string; display?: string };
    specificDiseases?: { code: string; display?: string }[];
  };
  publicExpenses?: { payerNumber: string; recipientNumber?: string; validFrom?: string; validUntil?: string; copayPercent?: number }[];
}

type Field = 'insurerNumber' | 'symbol' | 'number' | 'branch' | 'birthDate' | 'visitDate';
type Card = Record<Field, string>;

const fields: readonly Field[] = ['insurerNumber', 'symbol', 'number', 'branch', 'birthDate', 'visitDate'];

// Recognised by the diagnostics the eligibility service writes (docs/eligibility.md, error table).
const patterns: readonly ErrorPattern[] = [
  { pattern: /wrong check digit/i, key: 'error.checkDigit' },
  { pattern: /insurer number .* must be 8 digits/i, key: 'error.insurerLength' },
  { pattern: /must keep its leading zero/i, key: 'error.leadingZero' },
  { pattern: /branch number .* must be two digits/i, key: 'error.branchDigits' },
  { pattern: /Unknown insurer/i, key: 'error.unknownInsurer' },
  { pattern: /birth date does not match/i, key: 'error.birthMismatch' },
  { pattern: /My Number/i, key: 'error.myNumber' },
  { pattern: /needs the insurer number/i, key: 'error.needInsurer' },
  { pattern: /needs the number/i, key: 'error.needNumber' },
  { pattern: /needs the birth date/i, key: 'error.needBirthDate' },
  { pattern: /birth date is in the future/i, key: 'error.futureBirth' },
  { pattern: /^date\.empty$/, key: 'date.empty' },
  { pattern: /^date\.format$/, key: 'date.format' },
  { pattern: /^date\.invalid$/, key: 'date.invalid' },
  { pattern: /^date\.era$/, key: 'date.era' },
  { pattern: /is not a date/i, key: 'error.date' },
];

function emptyCard(): Card {
  return { insurerNumber: '', symbol: '', number: '', branch: '', birthDate: '', visitDate: todayInJapan() };
}

/** The card as the server wants it, or the first problem found here (shown like a server refusal). */
function readCard(card: Card): { request: unknown } | { problem: ApiError } {
  for (const field of fields) {
    if (looksLikeMyNumber(card[field])) return { problem: localError(field, 'A My Number may not be entered.') };
  }
  const insurer = halfWidth(card.insurerNumber);
  const insurerProblem = insurerNumberProblem(insurer);
  if (insurerProblem === 'empty') return { problem: localError('insurerNumber', 'The check needs the insurer number.') };
  if (insurerProblem === 'length') return { problem: localError('insurerNumber', `The insurer number '${insurer}' must be 8 digits.`) };
  if (insurerProblem === 'checkDigit') return { problem: localError('insurerNumber', `The insurer number '${insurer}' has a wrong check digit (検証番号).`) };
  if (!card.number.trim()) return { problem: localError('number', 'The check needs the number.') };
  const branch = halfWidth(card.branch);
  const problem = branchProblem(branch);
  if (problem === 'leadingZero') return { problem: localError('branch', `The branch number (枝番) '${branch}' must keep its leading zero.`) };
  if (problem === 'digits') return { problem: localError('branch', `The branch number (枝番) '${branch}' must be two digits.`) };
  const birth = parseDateInput(card.birthDate);
  if (!('iso' in birth)) return { problem: localError('birthDate', birth.problem === 'empty' ? 'The check needs the birth date.' : `date.${birth.problem}`) };
  if (birth.iso > todayInJapan()) return { problem: localError('birthDate', 'The birth date is in the future.') };
  const visit = parseDateInput(card.visitDate);
  if (!('iso' in visit)) return { problem: localError('visitDate', `date.${visit.problem}`) };
  const insuranceCard: Record<string, string> = { insurerNumber: insurer, symbol: card.symbol.trim(), number: card.number.trim(), birthDate: birth.iso };
  if (branch) insuranceCard.branch = branch;
  return { request: { visitDate: visit.iso, insuranceCard } };
}

export function Eligibility({ canOpenHistory, canPrescribe = false }: { canOpenHistory: boolean; canPrescribe?: boolean }) {
  const i18n = useI18n();
  const { api } = useSession();
  // What was typed survives an idle lock or an expired sign-in (this tab only).
  const [card, setCard] = useState<Card>(() => loadDraft('card', emptyCard));
  const [answer, check, clear] = useAction<Answer>();
  const [resetCount, setResetCount] = useState(0);
  // Each answered check reloads the day's list.
  const [checks, setChecks] = useState(0);
  const inputs = useRef<Partial<Record<Field, HTMLInputElement | null>>>({});
  const status = useRef<HTMLParagraphElement>(null);
  const errorBox = useRef<HTMLDivElement>(null);

  const failedField = answer.status === 'failed' ? issueField(answer.error.issues.find(i => fields.includes(issueField(i) as Field))) as Field | null : null;

  useEffect(() => {
    if (answer.status === 'done') {
      setChecks(n => n + 1);
      // The answer takes the focus and comes into view, even on a small screen.
      status.current?.focus();
      status.current?.scrollIntoView({ block: 'nearest' });
    } else if (answer.status === 'failed') {
      const input = failedField ? inputs.current[failedField] : null;
      if (input) input.focus();
      else errorBox.current?.focus();
    }
  }, [answer]);

  useEffect(() => inputs.current.insurerNumber?.focus(), [resetCount]);
  useEffect(() => saveDraft('card', card), [card]);

  const edit = (field: Field, value: string) => {
    setCard(c => ({ ...c, [field]: value }));
    // An answer belongs to the card it was given for: it goes as soon as the card changes.
    if (answer.status === 'done') clear();
  };

  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    const read = readCard(card);
    void check(async signal => {
      if ('problem' in read) throw read.problem;
      return api.send<Answer>('/eligibility/check', { method: 'POST', body: read.request, signal });
    });
  };

  const nextPatient = () => {
    clearDraft('card');
    setCard(emptyCard());
    clear();
    setResetCount(n => n + 1);
  };

  const label = (field: string) => (i18n.has(field) ? i18n.t(field) : field);
  const text = (field: Field, extra: { maxLength?: number; inputMode?: 'numeric'; help?: string } = {}) => (
    <p>
      <label for={field}>{i18n.t(field)}</label>
      <input id={field} name={field} ref={el => { inputs.current[field] = el; }} autocomplete="off" value={card[field]}
        maxLength={extra.maxLength} inputMode={extra.inputMode} required={field === 'insurerNumber' || field === 'number'}
        aria-describedby={extra.help ? `${field}-help` : undefined}
        aria-invalid={failedField === field ? 'true' : undefined} aria-errormessage={failedField === field ? 'eligibility-error' : undefined}
        onInput={e => edit(field, e.currentTarget.value)} />
      {extra.help && <small id={`${field}-help`}>{extra.help}</small>}
    </p>
  );

  return (
    <section aria-labelledby="eligibility-title">
      <ScreenTitle id="eligibility-title" focusKey="eligibility">{i18n.t('eligibilityTitle')}</ScreenTitle>
      <form id="eligibility-form" noValidate onSubmit={submit}>
        <fieldset>
          <legend>{i18n.t('cardLegend')}</legend>
          <div class="fields">
            {text('insurerNumber', { maxLength: 8, inputMode: 'numeric', help: i18n.t('insurerNumberHelp') })}
            {text('symbol')}
            {text('number')}
            {text('branch', { maxLength: 2, inputMode: 'numeric', help: i18n.t('branchHelp') })}
            <DateField name="birthDate" label={i18n.t('birthDate')} value={card.birthDate} onInput={v => edit('birthDate', v)}
              invalid={failedField === 'birthDate'} errorId="eligibility-error" inputRef={el => { inputs.current.birthDate = el; }} required />
            <DateField name="visitDate" label={i18n.t('visitDate')} value={card.visitDate} onInput={v => edit('visitDate', v)}
              invalid={failedField === 'visitDate'} errorId="eligibility-error" inputRef={el => { inputs.current.visitDate = el; }} required />
          </div>
        </fieldset>
        <p class="actions">
          <button type="submit" class="primary" disabled={answer.status === 'loading'}>{i18n.t(answer.status === 'loading' ? 'checking' : 'check')}</button>
          <button type="button" onClick={nextPatient}>{i18n.t('nextPatient')}</button>
        </p>
      </form>
      {answer.status === 'failed' && (
        <div ref={errorBox} tabIndex={-1}>
          <ErrorBox id="eligibility-error" title={i18n.t('checkFailed')} error={answer.error} fieldLabel={label}
            patterns={patterns} />
        </div>
      )}
      <div id="eligibility-result" aria-live="polite">
        {answer.status === 'done' && <AnswerView answer={answer.value} statusRef={status} canOpenHistory={canOpenHistory} canPrescribe={canPrescribe} />}
      </div>
      <TodayList version={checks} canOpenHistory={canOpenHistory} />
    </section>
  );
}

function AnswerView({ answer, statusRef, canOpenHistory, canPrescribe }: { answer: Answer; statusRef: RefObject<HTMLParagraphElement>; canOpenHistory: boolean; canPrescribe: boolean }) {
  const i18n = useI18n();
  const { patient, qualification: q } = answer;
  // 処方箋の発行 for this patient, with the insurance just found (handed over in memory only).
  const prescribe = () => {
    if (!patient?.id || !patient.birthDate || !q) return;
    handOver({
      id: patient.id, name: patient.name ?? '', nameKana: patient.nameKana, birthDate: patient.birthDate, gender: patient.gender,
      insurerNumber: q.insurerNumber, insurerName: q.insurerName, symbol: q.symbol, number: q.number, branch: q.branch,
      relationship: q.relationship, copayPercent: q.copayPercent,
    });
    location.hash = href('prescriptions');
  };
  return (
    <article class="answer" aria-labelledby="eligibility-status">
      <p class={`status status-${answer.status}`} id="eligibility-status" tabIndex={-1} ref={statusRef}>
        <span class="badge">{i18n.t(`status.${answer.status}`)}</span> {i18n.t('asOf', { date: formatDate(answer.visitDate, i18n.lang) })}
      </p>
      <p>{i18n.t(`statusHelp.${answer.status}`, { n: answer.candidates ?? '' })}</p>
      {patient && (
        <section>
          <h2>{i18n.t('patient')}</h2>
          <Details rows={[
            [i18n.t('name'), <span class="person"><span class="kanji">{patient.name ?? ''}</span>{patient.nameKana && <span class="kana">{patient.nameKana}</span>}</span>],
            [i18n.t('birthDate'), formatDate(patient.birthDate, i18n.lang)],
            [i18n.t('gender'), formatGender(patient.gender, i18n)],
          ]} />
        </section>
      )}
      {q && (
        <section>
          <h2>{i18n.t('qualification')}</h2>
          <Details rows={[
            [i18n.t('insurer'), <>{q.insurerName ? `${q.insurerName} ` : ''}<span class="code">{q.insurerNumber}</span></>],
            [i18n.t('insuredNumber'), `${q.symbol || '—'} ・ ${q.number} ・ ${q.branch ?? '—'}`],
            [i18n.t('relationship'), q.relationship ? i18n.t(`relationship.${q.relationship}`) : ''],
            [i18n.t('validFrom'), formatDate(q.validFrom, i18n.lang)],
            [i18n.t('validUntil'), formatDate(q.validUntil, i18n.lang)],
            [i18n.t('copay'), formatCopay(q.copayPercent, i18n)],
            [i18n.t('limitCategory'), q.limitCategory ? `${q.limitCategory.display ?? ''} (${q.limitCategory.code})` : <span class="muted">{i18n.t('limitNotShown')}</span>],
            [i18n.t('specificDiseases'), (q.specificDiseases ?? []).map(d => d.display ?? d.code).join('、') || i18n.t('none')],
          ]} />
        </section>
      )}
      {q && (
        <section>
          <h2>{i18n.t('publicExpenses')}</h2>
          {(answer.publicExpenses ?? []).length === 0 ? <p>{i18n.t('none')}</p> : (answer.publicExpenses ?? []).map(e => (
            <Details key={e.payerNumber} rows={[
              [i18n.t('payerNumber'), <span class="code">{e.payerNumber}</span>],
              [i18n.t('recipientNumber'), e.recipientNumber ? <span class="code">{e.recipientNumber}</span> : ''],
              [i18n.t('validFrom'), formatDate(e.validFrom, i18n.lang)],
              [i18n.t('validUntil'), formatDate(e.validUntil, i18n.lang)],
              [i18n.t('copay'), formatCopay(e.copayPercent, i18n)],
            ]} />
          ))}
        </section>
      )}
      {canOpenHistory && patient?.id && <p><a class="button" href={href('history', patient.id)}>{i18n.t('openHistory')}</a></p>}
      {canPrescribe && answer.status === 'valid' && patient?.id && q && <p><button type="button" class="primary" id="prescribe" onClick={prescribe}>{i18n.t('prescribeForPatient')}</button></p>}
    </article>
  );
}
