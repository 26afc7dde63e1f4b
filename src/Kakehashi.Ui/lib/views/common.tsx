// Pieces the history views share: where a record came from, who performed it, quantities.
import type { Reference, Resource } from '../fhir';
import type { Quantity } from '../fhirTypes';
import type { I18n } from '../i18n';

const sourceSystem = 'http://kakehashi.jp/fhir/CodeSystem/history-source';

/** レセプト・調剤結果: the sources the server merged into this record. */
export function sources(resource: Resource, i18n: I18n): string {
  return (resource.meta?.tag ?? []).filter(tag => tag.system === sourceSystem).map(tag => i18n.t(`source.${tag.code}`)).join('・');
}

export function Organization({ reference }: { reference: Reference | undefined }) {
  if (!reference) return null;
  const code = reference.identifier?.value;
  return <span>{reference.display ?? ''}{code && <span class="code">{code}</span>}</span>;
}

export function quantity(q: Quantity | undefined): string {
  if (!q || q.value === undefined) return '';
  return `${q.value}${q.unit ? ` ${q.unit}` : ''}`;
}
