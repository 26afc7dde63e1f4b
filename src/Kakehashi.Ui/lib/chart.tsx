// A result's course over time as a line chart (Chart.js, canvas: nothing inline for the CSP to
// forbid), with the reference range as dashed lines. The numbers are also in the table beside
// every chart, and the canvas carries a text summary for screen readers.
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { Observation } from './fhirTypes';
import { concept, formatDate } from './format';
import { useI18n } from './i18n';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export interface TrendPoint {
  readonly date: string;
  readonly value: number;
}

export function TrendChart({ id, title, unit, points, low, high }: {
  id: string; title: string; unit: string; points: TrendPoint[]; low?: number | undefined; high?: number | undefined;
}) {
  const i18n = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const sorted = [...points].sort((a, b) => a.date.localeCompare(b.date));
  const labels = sorted.map(p => formatDate(p.date, i18n.lang).replace(/（.*）| \(.*\)/, ''));
  const summary = `${title}: ${sorted.map((p, i) => `${labels[i]} ${p.value}${unit}`).join(', ')}`
    + (low !== undefined || high !== undefined ? `; ${i18n.t('referenceRange')} ${low ?? ''}–${high ?? ''}${unit}` : '');

  useEffect(() => {
    if (!canvas.current) return undefined;
    const range = (value: number | undefined, label: string) => (value === undefined ? [] : [{
      label, data: sorted.map(() => value), borderColor: '#7a4d00', borderDash: [6, 4], pointRadius: 0, borderWidth: 1,
    }]);
    const chart = new Chart(canvas.current, {
      type: 'line',
      data: {
        labels,
        datasets: [
          { label: `${title}${unit ? ` (${unit})` : ''}`, data: sorted.map(p => p.value), borderColor: '#0b5cad', backgroundColor: '#0b5cad', tension: 0 },
          ...range(low, i18n.t('rangeLow')),
          ...range(high, i18n.t('rangeHigh')),
        ],
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: 'bottom' } } },
    });
    return () => chart.destroy();
  }, [summary, i18n.lang]);

  return (
    <figure class="chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <div class="chart-box"><canvas ref={canvas} id={id} role="img" aria-label={summary} /></div>
    </figure>
  );
}

export interface Series {
  key: string;
  title: string;
  unit: string;
  points: TrendPoint[];
  low?: number | undefined;
  high?: number | undefined;
}

/** Numeric results grouped by their code, each dated by its own time or its report's. */
export function seriesOf(observations: { observation: Observation; date: string | undefined }[]): Series[] {
  const byCode = new Map<string, Series>();
  for (const { observation: o, date } of observations) {
    const value = o.valueQuantity?.value;
    if (value === undefined || !date) continue;
    const coding = o.code?.coding?.[0];
    const key = `${coding?.system}|${coding?.code ?? concept(o.code).text}`;
    const series = byCode.get(key) ?? { key, title: concept(o.code).text, unit: o.valueQuantity?.unit ?? '', points: [] };
    series.points.push({ date: date.slice(0, 10), value });
    const range = o.referenceRange?.[0];
    if (range?.low?.value !== undefined) series.low = range.low.value;
    if (range?.high?.value !== undefined) series.high = range.high.value;
    byCode.set(key, series);
  }
  return [...byCode.values()];
}

/** One chart per series (the portal's results, the staff's 6情報 labs). */
export function Charts({ series, prefix }: { series: Series[]; prefix: string }) {
  return (
    <div class="charts">
      {series.map((s, i) => <TrendChart key={s.key} id={`${prefix}-chart-${i}`} title={s.title} unit={s.unit} points={s.points} low={s.low} high={s.high} />)}
    </div>
  );
}
