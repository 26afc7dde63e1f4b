// Small building blocks the screens share: label/value lists, tables, coded values, names,
// refusals, and a date field that reads 和暦.
import type { ComponentChildren, Ref } from 'preact';
import { useId } from 'preact/hooks';
import type { ApiError } from './api';
import { parseDateInput } from './dates';
import { type ErrorPattern, explain } from './errors';
import { formatDate } from './format';
import { useI18n } from './i18n';

/** A list of label → value rows, leaving out empty values. */
export function Details({ rows }: { rows: [string, ComponentChildren][] }) {
  const shown = rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
  return (
    <dl class="details">
      {shown.map(([label, value]) => [<dt key={`t-${label}`}>{label}</dt>, <dd key={`d-${label}`}>{value}</dd>])}
    </dl>
  );
}

export interface Column<T> {
  readonly header: ComponentChildren;
  readonly cell: (row: T) => ComponentChildren;
  /** Short values that must never wrap (dates, codes, sources). */
  readonly nowrap?: boolean;
}

/** A table with a caption; the first column heads its row. Wide tables scroll inside their own region. */
export function DataTable<T>({ caption, columns, rows, rowKey }: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T, index: number) => string }) {
  return (
    <div class="scroll" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption>{caption}</caption>
        <thead><tr>{columns.map((c, i) => <th key={i} scope="col" class={c.nowrap ? 'nowrap' : undefined}>{c.header}</th>)}</tr></thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={rowKey(row, r)}>
              {columns.map((c, i) => (i === 0
                ? <th key={i} scope="row" class={c.nowrap ? 'nowrap' : undefined}>{c.cell(row)}</th>
                : <td key={i} class={c.nowrap ? 'nowrap' : undefined}>{c.cell(row)}</td>))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A code with its display: カルボシステイン錠 (YJ 2233002F1280). */
export function Coded({ value }: { value: { text: string; codes: string[] } }) {
  return <span class="coded">{value.text}{value.codes.length > 0 && <span class="code">{value.codes.join(', ')}</span>}</span>;
}

export function PersonName({ kanji, kana, id }: { kanji: string; kana: string; id?: string }) {
  return <span class="person"><span class="kanji" id={id}>{kanji}</span>{kana && <span class="kana">{kana}</span>}</span>;
}

/** A refusal explained in the UI's language (a title, one sentence per issue). */
export function ErrorBox({ title, error, patterns, fieldLabel, id, children }: {
  title: string; error: ApiError; patterns?: readonly ErrorPattern[]; fieldLabel?: (field: string) => string; id?: string; children?: ComponentChildren;
}) {
  const i18n = useI18n();
  return (
    <div class="error" role="alert" id={id}>
      <p class="error-title">{title}</p>
      <ul>{explain(error, i18n, patterns, fieldLabel).map(text => <li key={text}>{text}</li>)}</ul>
      {children}
    </div>
  );
}

export function Loading() {
  return <p class="muted" role="status">{useI18n().t('loading')}</p>;
}

/**
 * A date typed the way staff write it (西暦, 和暦, 8 digits, full-width) in a text field — never
 * the browser's date picker, whose format follows the browser's locale instead of the UI's
 * language. Beneath it, how the date was read, so a typo shows before it is sent.
 */
export function DateField({ name, label, value, onInput, invalid, errorId, inputRef, required = false }: {
  name: string; label: string; value: string; onInput: (value: string) => void; invalid?: boolean; errorId?: string; inputRef?: Ref<HTMLInputElement>; required?: boolean;
}) {
  const i18n = useI18n();
  const hintId = useId();
  const parsed = parseDateInput(value);
  const reading = 'iso' in parsed ? formatDate(parsed.iso, i18n.lang) : value.trim() ? i18n.t(`date.${parsed.problem}`, { field: label }) : i18n.t('dateHint');
  return (
    <p>
      <label for={name}>{label}</label>
      <input id={name} name={name} ref={inputRef} autocomplete="off" inputMode="text" value={value} required={required}
        aria-describedby={hintId} aria-invalid={invalid ? 'true' : undefined} aria-errormessage={invalid ? errorId : undefined}
        onInput={e => onInput(e.currentTarget.value)} />
      <small id={hintId} class={'iso' in parsed ? 'reading' : undefined}>{reading}</small>
    </p>
  );
}
