// 処方箋の発行 (doctors, dentists): for the patient the eligibility check found, drugs from the
// master, the duplicate / contraindication check running live as the lines change (debounced,
// keyed: a newer draft cancels the older check), then 電子署名して発行 (demo signing stands in for
// the HPKI card) or 紙で発行; the exchange number, the state and a printable copy; the
// institution's prescriptions with 取消 for those not yet dispensed.
import type { TargetedEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { localError } from '../lib/api';
import { ScreenTitle } from '../lib/frame';
import { formatDate, formatGender } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useAction, useLoad } from '../lib/load';
import {
  buildPrescription, type DrugLine, type DrugProduct, guessUnit, type Prescriber, readPrescription, refillBarriers,
  totalQuantity, unitText, units, type UnitCode, usages,
} from '../lib/prescription';
import { href } from '../lib/route';
import { useSession } from '../lib/session';
import { Details, ErrorBox, Loading, PersonName } from '../lib/ui';
import {
  type CheckAnswer, type CheckedInPatient, CheckView, DrugFlags, handedOver, LinesTable, MasterAttribution, type PrescriptionSummary, StatusText,
} from './prescriptionParts';

type PrescriberDetails = Pick<Prescriber, 'institutionName' | 'address' | 'phone' | 'licenseNumber'>;

const detailFields: readonly (keyof PrescriberDetails)[] = ['institutionName', 'address', 'phone', 'licenseNumber'];

function storedDetails(user: string): PrescriberDetails {
  try {
    const stored = JSON.parse(localStorage.getItem(`kakehashi.prescriber.${user}`) ?? '{}') as Partial<PrescriberDetails>;
    return { institutionName: stored.institutionName ?? '', address: stored.address ?? '', phone: stored.phone ?? '', licenseNumber: stored.licenseNumber ?? '' };
  } catch {
    return { institutionName: '', address: '', phone: '', licenseNumber: '' };
  }
}

/** A value that follows another after it has stayed unchanged for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function uuid(): string {
  return crypto.randomUUID();
}

export function Prescribe() {
  const i18n = useI18n();
  const [patient] = useState<CheckedInPatient | null>(handedOver);
  const [listVersion, setListVersion] = useState(0);
  const [issued, setIssued] = useState<{ summary: PrescriptionSummary; document: unknown } | null>(null);
  return (
    <section aria-labelledby="prescribe-title">
      <ScreenTitle id="prescribe-title" focusKey="prescribe">{i18n.t('rx.prescribeTitle')}</ScreenTitle>
      {issued
        ? <IssuedView summary={issued.summary} document={issued.document} onNext={() => setIssued(null)} />
        : patient
          ? <PrescriptionForm patient={patient} onIssued={(summary, document) => { setIssued({ summary, document }); setListVersion(v => v + 1); }} />
          : (
            <div class="no-print">
              <p>{i18n.t('rx.noPatient')}</p>
              <p><a class="button" href={href('eligibility')}>{i18n.t('navEligibility')}</a></p>
            </div>
          )}
      <IssuedList version={listVersion} onChanged={() => setListVersion(v => v + 1)} />
    </section>
  );
}

function PatientBanner({ patient }: { patient: CheckedInPatient }) {
  const i18n = useI18n();
  return (
    <section id="patient-card" class="patient" aria-label={i18n.t('patientBanner')}>
      <p><PersonName kanji={patient.name} kana={patient.nameKana ?? ''} id="patient-name" /></p>
      <Details rows={[
        [i18n.t('birth'), formatDate(patient.birthDate, i18n.lang)],
        [i18n.t('gender'), formatGender(patient.gender, i18n)],
        [i18n.t('insurer'), `${patient.insurerName ? `${patient.insurerName} ` : ''}${patient.insurerNumber}`],
        [i18n.t('insuredNumber'), `${patient.symbol || '—'} ・ ${patient.number} ・ ${patient.branch || '—'}`],
      ]} />
    </section>
  );
}

interface EditLine {
  key: number;
  product: DrugProduct;
  dose: string;
  unit: UnitCode;
  usage: string;
  days: string;
}

function toLine(line: EditLine): DrugLine | null {
  const dose = Number(line.dose.normalize('NFKC'));
  const days = Number(line.days.normalize('NFKC'));
  if (!(dose > 0) || !Number.isInteger(days) || days < 1 || days > 365) return null;
  return { product: line.product, dose, unit: line.unit, usage: line.usage, days };
}

function PrescriptionForm({ patient, onIssued }: { patient: CheckedInPatient; onIssued: (summary: PrescriptionSummary, document: unknown) => void }) {
  const i18n = useI18n();
  const { api, user } = useSession();
  const [details, setDetails] = useState<PrescriberDetails>(() => storedDetails(user.name));
  const [lines, setLines] = useState<EditLine[]>([]);
  const [repeats, setRepeats] = useState(0);
  const nextKey = useRef(1);
  const [issue, run] = useAction<{ summary: PrescriptionSummary; document: unknown }>();
  const errorBox = useRef<HTMLDivElement>(null);

  useEffect(() => localStorage.setItem(`kakehashi.prescriber.${user.name}`, JSON.stringify(details)), [details]);
  useEffect(() => {
    if (issue.status === 'done') onIssued(issue.value.summary, issue.value.document);
    if (issue.status === 'failed') errorBox.current?.focus();
  }, [issue]);

  const valid = lines.map(toLine);
  const complete = valid.every((l): l is DrugLine => l !== null) ? valid as DrugLine[] : null;
  const prescriber = (): Prescriber => ({ institutionCode: user.organization ?? '', name: user.name, role: user.role ?? 'doctor', ...details });
  const build = (drugLines: DrugLine[]) => buildPrescription({
    patient: { id: patient.id, name: patient.name, nameKana: patient.nameKana, birthDate: patient.birthDate, gender: patient.gender },
    coverage: patient, prescriber: prescriber(), lines: drugLines, repeats, now: new Date().toISOString(), uuid,
  });

  // The live check: keyed by the patient and what matters of the lines; debounced while typing.
  const draftKey = complete && complete.length > 0
    ? JSON.stringify([patient.id, repeats, complete.map(l => [l.product.yjCode, l.dose, l.unit, l.usage, l.days])])
    : null;
  const checkKey = useDebounced(draftKey, 400);
  const check = useLoad<CheckAnswer>(checkKey, signal => api.send<CheckAnswer>(`/prescriptions/check?patient=${encodeURIComponent(patient.id)}`,
    { method: 'POST', body: build(complete ?? []), signal }));

  const barred = repeats > 0 ? lines.filter(l => refillBarriers(l.product).length > 0) : [];

  const add = (product: DrugProduct) => {
    setLines(ls => [...ls, { key: nextKey.current++, product, dose: '1', unit: guessUnit(product), usage: usages[0].code, days: '7' }]);
  };
  const edit = (key: number, change: Partial<EditLine>) => setLines(ls => ls.map(l => (l.key === key ? { ...l, ...change } : l)));

  const submit = (electronic: boolean) => (event?: TargetedEvent<HTMLButtonElement>) => {
    event?.preventDefault();
    void run(async signal => {
      const missing = detailFields.find(f => !details[f].trim());
      if (missing) throw localError(missing, 'rx.missingDetail');
      if (lines.length === 0) throw localError('lines', 'rx.noLines');
      if (!complete) throw localError('lines', 'rx.badLine');
      const document = build(complete);
      let text = JSON.stringify(document);
      if (electronic) text = await api.sendText('/prescriptions/demo-sign', { method: 'POST', rawBody: text, signal });
      const summary = await api.send<PrescriptionSummary>(electronic ? '/prescriptions' : '/prescriptions?paper=true', { method: 'POST', rawBody: text, signal });
      return { summary, document };
    });
  };

  return (
    <>
      <PatientBanner patient={patient} />
      <details class="prescriber-details no-print" open={detailFields.some(f => !details[f])}>
        <summary>{i18n.t('rx.prescriberDetails')}</summary>
        <div class="fields">
          {detailFields.map(f => (
            <p key={f}>
              <label for={`rx-${f}`}>{i18n.t(`rx.${f}`)}</label>
              <input id={`rx-${f}`} autocomplete="off" value={details[f]} onInput={e => { const v = e.currentTarget.value; setDetails(d => ({ ...d, [f]: v })); }} />
            </p>
          ))}
        </div>
      </details>
      <DrugSearch onPick={add} />
      <section aria-labelledby="rx-lines-title">
        <h2 id="rx-lines-title">{i18n.t('rx.lines')}</h2>
        {lines.length === 0 ? <p class="muted">{i18n.t('rx.noLinesYet')}</p> : (
          <div class="scroll" tabIndex={0} role="region" aria-labelledby="rx-lines-title">
            <table id="rx-lines" class="rx-lines">
              <thead><tr>
                <th scope="col">{i18n.t('rx.drug')}</th><th scope="col">{i18n.t('rx.dose')}</th><th scope="col">{i18n.t('rx.usage')}</th>
                <th scope="col">{i18n.t('rx.days')}</th><th scope="col" class="nowrap">{i18n.t('rx.quantity')}</th><th scope="col">{i18n.t('actions')}</th>
              </tr></thead>
              <tbody>
                {lines.map((line, n) => {
                  const ok = valid[n];
                  return (
                    <tr key={line.key}>
                      <th scope="row"><span class="coded">{line.product.name}<span class="code">YJ {line.product.yjCode}</span></span> <DrugFlags product={line.product} /></th>
                      <td class="nowrap">
                        <input class="short" aria-label={i18n.t('rx.doseOf', { drug: line.product.name })} inputMode="decimal" value={line.dose}
                          aria-invalid={ok ? undefined : 'true'} onInput={e => edit(line.key, { dose: e.currentTarget.value })} />
                        <select aria-label={i18n.t('rx.unitOf', { drug: line.product.name })} value={line.unit} onChange={e => edit(line.key, { unit: e.currentTarget.value as UnitCode })}>
                          {units.map(u => <option key={u.code} value={u.code}>{u.unit}</option>)}
                        </select>
                      </td>
                      <td>
                        <select aria-label={i18n.t('rx.usageOf', { drug: line.product.name })} value={line.usage} onChange={e => edit(line.key, { usage: e.currentTarget.value })}>
                          {usages.map(u => <option key={u.code} value={u.code}>{u.text}</option>)}
                        </select>
                      </td>
                      <td class="nowrap">
                        <input class="short" aria-label={i18n.t('rx.daysOf', { drug: line.product.name })} inputMode="numeric" value={line.days}
                          aria-invalid={ok ? undefined : 'true'} onInput={e => edit(line.key, { days: e.currentTarget.value })} /> {i18n.t('rx.daysUnit')}
                      </td>
                      <td class="nowrap">{ok ? `${totalQuantity(ok)} ${unitText(ok.unit)}` : '—'}</td>
                      <td><button type="button" onClick={() => setLines(ls => ls.filter(l => l.key !== line.key))}>{i18n.t('rx.remove')}</button></td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <p>
          <label for="rx-refill">{i18n.t('rx.refill')}</label>
          <select id="rx-refill" value={String(repeats)} onChange={e => setRepeats(Number(e.currentTarget.value))}>
            <option value="0">{i18n.t('rx.refillNone')}</option>
            <option value="1">{i18n.t('rx.refillTimes', { n: 2 })}</option>
            <option value="2">{i18n.t('rx.refillTimes', { n: 3 })}</option>
          </select>
          <small>{i18n.t('rx.refillHelp')}</small>
        </p>
        {barred.length > 0 && <p class="error" role="alert">{i18n.t('rx.refillBarred', { drugs: barred.map(l => l.product.name).join('、') })}</p>}
      </section>
      <div id="rx-check" aria-live="polite">
        {draftKey === null ? null
          : check.status === 'done' && checkKey === draftKey ? <CheckView check={check.value} />
            : check.status === 'failed' ? <ErrorBox title={i18n.t('rx.checkFailed')} error={check.error} />
              : <p class="muted" role="status">{i18n.t('rx.checking')}</p>}
      </div>
      <p class="actions no-print">
        <button type="button" class="primary" id="rx-sign" disabled={issue.status === 'loading'} onClick={submit(true)}>{i18n.t('rx.signAndIssue')}</button>
        <button type="button" id="rx-paper" disabled={issue.status === 'loading'} onClick={submit(false)}>{i18n.t('rx.issuePaper')}</button>
      </p>
      {issue.status === 'loading' && <Loading />}
      {issue.status === 'failed' && (
        <div ref={errorBox} tabIndex={-1}>
          <ErrorBox title={i18n.t('rx.issueFailed')} error={issue.error} patterns={rxPatterns} fieldLabel={f => (i18n.has(`rx.${f}`) ? i18n.t(`rx.${f}`) : f)} />
        </div>
      )}
    </>
  );
}

export const rxPatterns = [
  { pattern: /^rx\.missingDetail$/, key: 'rx.missingDetail' },
  { pattern: /^rx\.noLines$/, key: 'rx.noLines' },
  { pattern: /^rx\.badLine$/, key: 'rx.badLine' },
  { pattern: /may not be prescribed as a refill/, key: 'rx.refillRefused' },
  { pattern: /^rx\.exchangeNumber$/, key: 'rx.exchangeNumberDigits' },
  { pattern: /exchange number \(引換番号\) has 6 digits/, key: 'rx.exchangeNumberDigits' },
  { pattern: /No open prescription has this exchange number/, key: 'rx.notFoundByNumber' },
  { pattern: /another pharmacy has retrieved it/, key: 'rx.conflict.accepted' },
  { pattern: /it has been dispensed/, key: 'rx.conflict.dispensed' },
  { pattern: /the prescriber cancelled it/, key: 'rx.conflict.cancelled' },
  { pattern: /expired \(期限切れ\)/, key: 'rx.conflict.expired' },
  { pattern: /wrong check digit/i, key: 'error.checkDigit' },
  { pattern: /insurer number .* must be 8 digits/i, key: 'error.insurerLength' },
  { pattern: /must keep its leading zero/i, key: 'error.leadingZero' },
];

function DrugSearch({ onPick }: { onPick: (product: DrugProduct) => void }) {
  const i18n = useI18n();
  const { api } = useSession();
  const [text, setText] = useState('');
  const term = useDebounced(text.trim(), 300);
  const found = useLoad(term ? `drug:${term}` : null, signal =>
    api.send<{ items: DrugProduct[] }>(`/prescriptions/drug-master/products?name=${encodeURIComponent(term)}`, { signal }));
  return (
    <section class="drug-search no-print" aria-labelledby="drug-search-title">
      <h2 id="drug-search-title">{i18n.t('rx.addDrug')}</h2>
      <p>
        <label for="drug-name">{i18n.t('rx.drugName')}</label>
        <input id="drug-name" autocomplete="off" value={text} onInput={e => setText(e.currentTarget.value)} aria-describedby="drug-name-help" />
        <small id="drug-name-help">{i18n.t('rx.drugNameHelp')}</small>
      </p>
      {found.status === 'failed' && <ErrorBox title={i18n.t('searchFailed')} error={found.error} />}
      {found.status === 'loading' && text.trim() && <Loading />}
      {found.status === 'done' && (found.value.items.length === 0 ? <p role="status">{i18n.t('rx.noDrugs')}</p> : (
        <ul class="drug-results" id="drug-results">
          {found.value.items.map(p => (
            <li key={p.yjCode}>
              <button type="button" class="link" onClick={() => onPick(p)} aria-label={i18n.t('rx.addThis', { drug: p.name })}>{i18n.t('rx.add')}</button>
              {' '}<span class="coded">{p.name}<span class="code">YJ {p.yjCode}</span></span> <DrugFlags product={p} />
              {p.ingredient && <span class="muted"> {p.ingredient}</span>}
            </li>
          ))}
        </ul>
      ))}
      <MasterAttribution />
    </section>
  );
}

/** After issuing: the exchange number, large; the state and the window; a printable copy (処方内容（控え）). */
function IssuedView({ summary, document, onNext }: { summary: PrescriptionSummary; document: unknown; onNext: () => void }) {
  const i18n = useI18n();
  const view = readPrescription(document);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <article class="issued" aria-labelledby="issued-title">
      <h2 id="issued-title" tabIndex={-1} ref={heading}>{i18n.t(summary.electronic ? 'rx.issuedElectronic' : 'rx.issuedPaper')}</h2>
      <p class="exchange">{i18n.t('rx.exchangeNumber')} <span id="exchange-number" class="exchange-number">{summary.exchangeNumber}</span></p>
      <Details rows={[
        [i18n.t('rx.status'), <StatusText status={summary.status} />],
        [i18n.t('rx.issued'), formatDate(summary.issued, i18n.lang)],
        [i18n.t('rx.dispensableUntil'), <span id="dispensable-until">{formatDate(summary.dispensableUntil, i18n.lang)}</span>],
        [i18n.t('rx.uses'), summary.usesAllowed > 1 ? i18n.t('rx.refillTimes', { n: summary.usesAllowed }) : i18n.t('rx.refillNone')],
      ]} />
      {summary.check && <CheckView check={summary.check} />}
      <section class="copy" aria-labelledby="copy-title">
        <h2 id="copy-title">{i18n.t('rx.copyTitle')}</h2>
        <Details rows={[
          [i18n.t('patient'), <PersonName kanji={view.patientName} kana={view.patientKana} />],
          [i18n.t('birthDate'), formatDate(view.birthDate, i18n.lang)],
          [i18n.t('insurer'), view.insurerNumber],
          [i18n.t('insuredNumber'), view.insured],
          [i18n.t('rx.institution'), `${view.institutionName}（${view.institutionCode}）`],
          [i18n.t('rx.prescriber'), view.prescriberName],
          [i18n.t('rx.exchangeNumber'), summary.exchangeNumber],
        ]} />
        <LinesTable lines={view.lines} caption={i18n.t('rx.lines')} />
      </section>
      <p class="actions no-print">
        <button type="button" onClick={() => window.print()}>{i18n.t('print')}</button>
        <button type="button" onClick={onNext}>{i18n.t('rx.another')}</button>
      </p>
    </article>
  );
}

/** The institution's prescriptions (newest first) with 取消 for those not dispensed. */
function IssuedList({ version, onChanged }: { version: number; onChanged: () => void }) {
  const i18n = useI18n();
  const { api } = useSession();
  const list = useLoad(`issued:${version}`, signal => api.send<{ items: PrescriptionSummary[] }>('/prescriptions?issued=mine', { signal }));
  const [cancel, runCancel] = useAction<PrescriptionSummary>();
  useEffect(() => { if (cancel.status === 'done') onChanged(); }, [cancel]);
  return (
    <section class="no-print" aria-labelledby="issued-list-title">
      <h2 id="issued-list-title">{i18n.t('rx.issuedList')}</h2>
      {cancel.status === 'failed' && <ErrorBox title={i18n.t('rx.cancelFailed')} error={cancel.error} patterns={rxPatterns} />}
      {list.status === 'loading' || list.status === 'idle' ? <Loading />
        : list.status === 'failed' ? <ErrorBox title={i18n.t('error.other')} error={list.error} />
          : list.value.items.length === 0 ? <p class="muted">{i18n.t('rx.noneIssued')}</p> : (
            <div class="scroll" tabIndex={0} role="region" aria-labelledby="issued-list-title">
              <table id="issued-list">
                <thead><tr>
                  <th scope="col">{i18n.t('rx.exchangeNumber')}</th><th scope="col">{i18n.t('patient')}</th><th scope="col">{i18n.t('rx.drugs')}</th>
                  <th scope="col" class="nowrap">{i18n.t('rx.issued')}</th><th scope="col" class="nowrap">{i18n.t('rx.status')}</th><th scope="col">{i18n.t('actions')}</th>
                </tr></thead>
                <tbody>
                  {list.value.items.map(item => {
                    const view = readPrescription(item.prescription);
                    return (
                      <tr key={item.id}>
                        <th scope="row" class="code">{item.exchangeNumber}</th>
                        <td><PersonName kanji={view.patientName} kana={view.patientKana} /></td>
                        <td>{view.lines.map(l => l.name).join('、')}</td>
                        <td class="nowrap">{formatDate(item.issued, i18n.lang)}</td>
                        <td class="nowrap"><StatusText status={item.status} />{item.usesAllowed > 1 && ` ${item.usesDone}/${item.usesAllowed}`}</td>
                        <td>{(item.status === 'registered' && item.usesDone === 0) && (
                          <button type="button" disabled={cancel.status === 'loading'} aria-label={i18n.t('rx.cancelThis', { number: item.exchangeNumber })}
                            onClick={() => { if (confirm(i18n.t('rx.cancelConfirm', { number: item.exchangeNumber }))) void runCancel(signal => api.send(`/prescriptions/${encodeURIComponent(item.id)}/cancel`, { method: 'POST', signal })); }}>
                            {i18n.t('rx.cancel')}
                          </button>
                        )}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
    </section>
  );
}
