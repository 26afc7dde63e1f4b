// わたしの文書: referral letters, discharge summaries and checkup reports about me, newest first;
// a text document opens in place.
import { useState } from 'preact/hooks';
import { type Bundle, resourcesOf, type Resource } from '../lib/fhir';
import { ScreenTitle } from '../lib/frame';
import { type CodeableConcept, concept, formatDate } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { ErrorBox, Loading } from '../lib/ui';

interface DocumentReference extends Resource {
  type?: CodeableConcept;
  date?: string;
  description?: string;
  custodian?: { display?: string };
  content?: { attachment?: { contentType?: string; data?: string; title?: string } }[];
}

/** The text of a base64 UTF-8 attachment, or null when it is not text. */
function textOf(attachment: { contentType?: string; data?: string } | undefined): string | null {
  if (!attachment?.data || !attachment.contentType?.startsWith('text/plain')) return null;
  const bytes = Uint8Array.from(atob(attachment.data), c => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function Documents({ patientId }: { patientId: string }) {
  const i18n = useI18n();
  const { api } = useSession();
  const documents = useLoad(`documents:${patientId}`, signal =>
    api.send<Bundle>(`/fhir/DocumentReference?patient=Patient/${encodeURIComponent(patientId)}&_count=100`, { signal }));
  return (
    <section aria-labelledby="documents-title">
      <ScreenTitle id="documents-title" focusKey="documents">{i18n.t('documentsTitle')}</ScreenTitle>
      {documents.status === 'failed' ? <ErrorBox title={i18n.t('errorTitle')} error={documents.error} />
        : documents.status !== 'done' ? <Loading /> : <DocumentList documents={resourcesOf<DocumentReference>(documents.value, 'DocumentReference')} />}
    </section>
  );
}

function DocumentList({ documents }: { documents: DocumentReference[] }) {
  const i18n = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  if (documents.length === 0) return <p>{i18n.t('noDocuments')}</p>;
  const sorted = [...documents].sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  return (
    <ul class="cards" id="documents">
      {sorted.map(d => {
        const attachment = d.content?.[0]?.attachment;
        const text = open === d.id ? textOf(attachment) : null;
        return (
          <li key={d.id} class="card">
            <p class="card-title">{concept(d.type).text || d.description}</p>
            <p>{formatDate(d.date, i18n.lang)}　{d.custodian?.display ?? ''}</p>
            {open === d.id
              ? (text !== null ? <pre class="document-text">{text}</pre> : <p class="muted">{i18n.t('notText', { type: attachment?.contentType ?? '' })}</p>)
              : <p><button type="button" onClick={() => setOpen(d.id ?? null)}>{i18n.t('openDocument')}</button></p>}
          </li>
        );
      })}
    </ul>
  );
}
