// 処方箋の受付・調剤 (pharmacists): retrieve a prescription by its exchange number and the
// insurance card (受付: the pharmacy holds it), see it with its check, hand it back (受付取消) or
// register what was dispensed (prefilled from the prescription; signed with the pharmacist's demo
// certificate when the prescription is electronic). Beneath, the prescriptions this pharmacy holds.
import type { TargetedEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { localError } from '../lib/api';
import { ScreenTitle } from '../lib/frame';
import { formatDate } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { branchProblem, halfWidth, insurerNumberProblem, looksLikeMyNumber } from '../lib/insurance';
import { useAction, useLoad } from '../lib/load';
import { buildDispensing, type DispensedLine, readPrescription } from '../lib/prescription';
import { useSession } from '../lib/session';
import { Details, ErrorBox, Loading, PersonName } from '../lib/ui';
import { type CheckAnswer, CheckView, LinesTable, MasterAttribution, type PrescriptionSummary, StatusText } from './prescriptionParts';
import { rxPatterns } from './Prescribe';

type Field = 'exchangeNumber' | 'insurerNumber' | 'symbol' | 'number' | 'branch';
const fields: readonly Field[] = ['exchangeNumber', 'insurerNumber', 'symbol', 'number', 'branch'];

function readForm(form: Record<Field, string>): Record<string, string> {
  for (const field of fields) {
    if (looksLikeMyNumber(form[field])) throw localError(field, 'A My Number may not be entered.');
  }
  const exchange = halfWidth(form.exchangeNumber);
  if (!/^\d{6}$/.test(exchange)) throw localError('exchangeNumber', 'rx.exchangeNumber');
  const insurer = halfWidth(form.insurerNumber);
  const problem = insurerNumberProblem(insurer);
  if (problem === 'empty') throw localError('insurerNumber', 'The check needs the insurer number.');
  if (problem === 'length') throw localError('insurerNumber', `The insurer number '${insurer}' must be 8 digits.`);
  if (problem === 'checkDigit') throw localError('insurerNumber', `The insurer number '${insurer}' has a wrong check digit (検証番号).`);
  const branch = halfWidth(form.branch);
  if (branchProblem(branch) === 'leadingZero') throw localError('branch', `The branch number (枝番) '${branch}' must keep its leading zero.`);
  const body: Record<string, string> = { exchangeNumber: exchange, insurerNumber: insurer, symbol: form.symbol.normalize('NFKC').trim(), number: form.number.normalize('NFKC').trim() };
  if (branch) body.branch = branch;
  return body;
}

export function Dispense() {
  const i18n = useI18n();
  const { api } = useSession();
  const empty = { exchangeNumber: '', insurerNumber: '', symbol: '', number: '', branch: '' };
  const [form, setForm] = useState<Record<Field, string>>(empty);
  const [retrieved, retrieve, clear] = useAction<PrescriptionSummary>();
  const [opened, setOpened] = useState<PrescriptionSummary | null>(null);
  const [listVersion, setListVersion] = useState(0);
  const errorBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (retrieved.status === 'done') { setOpened(retrieved.value); setListVersion(v => v + 1); }
    if (retrieved.status === 'failed') errorBox.current?.focus();
  }, [retrieved]);

  const submit = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void retrieve(async signal => api.send<PrescriptionSummary>('/prescriptions/retrieve', { method: 'POST', body: readForm(form), signal }));
  };
  const close = () => { setOpened(null); clear(); setForm(empty); setListVersion(v => v + 1); };

  return (
    <section aria-labelledby="dispense-title">
      <ScreenTitle id="dispense-title" focusKey="dispense">{i18n.t('rx.dispenseTitle')}</ScreenTitle>
      {opened ? <Held key={opened.id} held={opened} onClose={close} onChanged={() => setListVersion(v => v + 1)} /> : (
        <>
          <form id="retrieve-form" noValidate onSubmit={submit}>
            <fieldset>
              <legend>{i18n.t('rx.retrieveLegend')}</legend>
              <div class="fields">
                {fields.map(f => (
                  <p key={f}>
                    <label for={`rx-${f}`}>{i18n.t(f === 'exchangeNumber' ? 'rx.exchangeNumber' : f)}</label>
                    <input id={`rx-${f}`} autocomplete="off" value={form[f]} inputMode={f === 'symbol' ? 'text' : 'numeric'}
                      class={f === 'exchangeNumber' ? 'exchange-input' : undefined}
                      onInput={e => { const v = e.currentTarget.value; setForm(x => ({ ...x, [f]: v })); }} />
                  </p>
                ))}
              </div>
            </fieldset>
            <p class="actions"><button type="submit" class="primary" disabled={retrieved.status === 'loading'}>{i18n.t('rx.retrieve')}</button></p>
          </form>
          {retrieved.status === 'failed' && (
            <div ref={errorBox} tabIndex={-1}>
              <ErrorBox title={i18n.t('rx.retrieveFailed')} error={retrieved.error} patterns={rxPatterns}
                fieldLabel={f => i18n.t(f === 'exchangeNumber' ? 'rx.exchangeNumber' : f)} />
            </div>
          )}
        </>
      )}
      <HeldList version={listVersion} onOpen={setOpened} />
    </section>
  );
}

function Held({ held, onClose, onChanged }: { held: PrescriptionSummary; onClose: () => void; onChanged: () => void }) {
  const i18n = useI18n();
  const { api } = useSession();
  const view = readPrescription(held.prescription);
  const [lines, setLines] = useState<(DispensedLine & { quantityText: string; daysText: string })[]>(() =>
    view.lines.map(l => ({ ...l, quantityText: String(l.quantity), daysText: l.days === null ? '' : String(l.days) })));
  const [handBack, runHandBack] = useAction<PrescriptionSummary>();
  const [dispensed, runDispense] = useAction<PrescriptionSummary & { check?: CheckAnswer }>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => { if (handBack.status === 'done') onClose(); }, [handBack]);
  useEffect(() => { if (dispensed.status === 'done') { onChanged(); heading.current?.focus(); } }, [dispensed]);

  const register = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    void runDispense(async signal => {
      const read = lines.map(l => ({ ...l, quantity: Number(l.quantityText.normalize('NFKC')), days: l.daysText.trim() ? Number(l.daysText.normalize('NFKC')) : null }));
      if (read.some(l => !(l.quantity > 0) || (l.days !== null && !(l.days > 0)))) throw localError('lines', 'rx.badLine');
      let text = JSON.stringify(buildDispensing(read, new Date().toISOString(), () => crypto.randomUUID()));
      if (held.electronic) text = await api.sendText('/prescriptions/demo-sign', { method: 'POST', rawBody: text, signal });
      return api.send(`/prescriptions/${encodeURIComponent(held.id)}/dispense`, { method: 'POST', rawBody: text, signal });
    });
  };

  const done = dispensed.status === 'done' ? dispensed.value : null;
  const current = done ?? held;
  return (
    <article class="held" aria-labelledby="held-title">
      <h2 id="held-title" tabIndex={-1} ref={heading}>{done ? i18n.t('rx.dispensedTitle') : i18n.t('rx.heldTitle')}</h2>
      <Details rows={[
        [i18n.t('rx.exchangeNumber'), <span class="code">{held.exchangeNumber}</span>],
        [i18n.t('rx.status'), <span id="held-status"><StatusText status={current.status} /></span>],
        [i18n.t('patient'), <PersonName kanji={view.patientName} kana={view.patientKana} id="held-patient" />],
        [i18n.t('birthDate'), formatDate(view.birthDate, i18n.lang)],
        [i18n.t('rx.institution'), `${view.institutionName}（${view.institutionCode}）`],
        [i18n.t('rx.prescriber'), view.prescriberName],
        [i18n.t('rx.issued'), formatDate(held.issued, i18n.lang)],
        [i18n.t('rx.dispensableUntil'), formatDate(held.dispensableUntil, i18n.lang)],
        [i18n.t('rx.kind'), i18n.t(held.electronic ? 'rx.electronic' : 'rx.paper')],
        [i18n.t('rx.refillUse'), held.usesAllowed > 1 ? i18n.t('rx.useOf', { n: Math.min(held.usesDone + 1, held.usesAllowed), m: held.usesAllowed }) : i18n.t('rx.refillNone')],
      ]} />
      <LinesTable lines={view.lines} caption={i18n.t('rx.lines')} />
      {done?.check ? <CheckView check={done.check} /> : held.check && <CheckView check={held.check} />}
      {!done && (
        <form id="dispense-form" noValidate onSubmit={register}>
          <fieldset>
            <legend>{i18n.t('rx.dispenseLegend')}</legend>
            <div class="scroll" tabIndex={0} role="region" aria-label={i18n.t('rx.dispenseLegend')}>
              <table class="rx-lines">
                <thead><tr><th scope="col">{i18n.t('rx.drug')}</th><th scope="col">{i18n.t('rx.quantity')}</th><th scope="col">{i18n.t('rx.days')}</th><th scope="col">{i18n.t('rx.usage')}</th></tr></thead>
                <tbody>
                  {lines.map((line, n) => (
                    <tr key={n}>
                      <th scope="row">{line.name}</th>
                      <td class="nowrap"><input class="short" inputMode="decimal" aria-label={i18n.t('rx.quantityOf', { drug: line.name })} value={line.quantityText}
                        onInput={e => { const v = e.currentTarget.value; setLines(ls => ls.map((l, i) => (i === n ? { ...l, quantityText: v } : l))); }} /> {line.unit}</td>
                      <td class="nowrap"><input class="short" inputMode="numeric" aria-label={i18n.t('rx.daysOf', { drug: line.name })} value={line.daysText}
                        onInput={e => { const v = e.currentTarget.value; setLines(ls => ls.map((l, i) => (i === n ? { ...l, daysText: v } : l))); }} /> {i18n.t('rx.daysUnit')}</td>
                      <td>{line.instruction}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </fieldset>
          <p class="actions">
            <button type="submit" class="primary" id="rx-dispense" disabled={dispensed.status === 'loading'}>
              {i18n.t(held.electronic ? 'rx.signAndRegister' : 'rx.register')}
            </button>
            <button type="button" id="rx-hand-back" disabled={handBack.status === 'loading'}
              onClick={() => void runHandBack(signal => api.send(`/prescriptions/${encodeURIComponent(held.id)}/hand-back`, { method: 'POST', signal }))}>
              {i18n.t('rx.handBack')}
            </button>
          </p>
        </form>
      )}
      {dispensed.status === 'loading' && <Loading />}
      {dispensed.status === 'failed' && <ErrorBox title={i18n.t('rx.dispenseFailed')} error={dispensed.error} patterns={rxPatterns} />}
      {handBack.status === 'failed' && <ErrorBox title={i18n.t('rx.handBackFailed')} error={handBack.error} patterns={rxPatterns} />}
      <p class="actions"><button type="button" onClick={onClose}>{i18n.t('rx.nextPrescription')}</button></p>
      <MasterAttribution />
    </article>
  );
}

function HeldList({ version, onOpen }: { version: number; onOpen: (item: PrescriptionSummary) => void }) {
  const i18n = useI18n();
  const { api } = useSession();
  const list = useLoad(`held:${version}`, signal => api.send<{ items: PrescriptionSummary[] }>('/prescriptions?held=mine', { signal }));
  return (
    <section aria-labelledby="held-list-title">
      <h2 id="held-list-title">{i18n.t('rx.heldList')}</h2>
      {list.status === 'loading' || list.status === 'idle' ? <Loading />
        : list.status === 'failed' ? <ErrorBox title={i18n.t('error.other')} error={list.error} />
          : list.value.items.length === 0 ? <p class="muted">{i18n.t('rx.noneHeld')}</p> : (
            <ul class="held-list" id="held-list">
              {list.value.items.map(item => {
                const view = readPrescription(item.prescription);
                return (
                  <li key={item.id}>
                    <button type="button" class="link" onClick={() => onOpen(item)}>{item.exchangeNumber}</button>{' '}
                    <PersonName kanji={view.patientName} kana={view.patientKana} /> <StatusText status={item.status} />{' '}
                    <span class="muted">{view.lines.map(l => l.name).join('、')}</span>
                  </li>
                );
              })}
            </ul>
          )}
    </section>
  );
}
