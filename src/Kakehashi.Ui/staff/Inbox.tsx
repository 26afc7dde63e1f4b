// 文書受信箱: the referrals addressed to the caller's institution (新着 → 取得済 → 受領確認済).
// 取得 fetches the document — the server requires the patient's consent given at reception and
// says so when it is missing — and shows it readably; 受領確認 tells the sender it was read.
// Below, 送信済: what the institution sent and whether the recipient has retrieved it.
import { useState } from 'preact/hooks';
import { ScreenTitle } from '../lib/frame';
import { formatDate, formatDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useAction, useLoad } from '../lib/load';
import { useSession } from '../lib/session';
import { type DocumentMetadata, readDocument } from '../lib/sharing';
import { DataTable, Details, ErrorBox, Loading } from '../lib/ui';
import { ConsentRefusal } from './ClinicalItems';

interface DocumentList { items: DocumentMetadata[] }

export function Inbox({ receives, sends }: { receives: boolean; sends: boolean }) {
  const i18n = useI18n();
  const [version, setVersion] = useState(0);
  return (
    <section aria-labelledby="inbox-title">
      <ScreenTitle id="inbox-title" focusKey="inbox">{i18n.t('sh.inboxTitle')}</ScreenTitle>
      {receives && <Received version={version} onChanged={() => setVersion(v => v + 1)} />}
      {sends && <Sent version={version} />}
    </section>
  );
}

function Received({ version, onChanged }: { version: number; onChanged: () => void }) {
  const i18n = useI18n();
  const { api } = useSession();
  const list = useLoad(`inbox:${version}`, signal => api.send<DocumentList>('/sharing/inbox', { signal }));
  const [open, setOpen] = useState<string | null>(null);
  const [action, run] = useAction<DocumentMetadata>();
  const retrieve = (id: string) => {
    setOpen(id);
    void run(async signal => {
      const answer = await api.send<DocumentMetadata>(`/sharing/documents/${encodeURIComponent(id)}/retrieve`, { method: 'POST', signal });
      onChanged();
      return answer;
    });
  };
  const acknowledge = (id: string) => {
    void run(async signal => {
      await api.send(`/sharing/documents/${encodeURIComponent(id)}/acknowledge`, { method: 'POST', signal });
      onChanged();
      // The document stays on screen: acknowledging is a receipt, not a close.
      return api.send<DocumentMetadata>(`/sharing/documents/${encodeURIComponent(id)}`, { signal });
    });
  };
  return (
    <section aria-labelledby="received-title">
      <h2 id="received-title">{i18n.t('sh.received')}</h2>
      {list.status === 'failed' ? <ErrorBox title={i18n.t('sh.inboxFailed')} error={list.error} />
        : list.status !== 'done' ? <Loading />
          : list.value.items.length === 0 ? <p id="inbox-empty">{i18n.t('sh.inboxEmpty')}</p>
            : (
              <div id="inbox">
                <DataTable caption={i18n.t('sh.received')} rows={list.value.items} rowKey={d => d.id} columns={[
                  { header: i18n.t('sh.status'), cell: (d: DocumentMetadata) => <span class={`status status-${d.status}`}>{i18n.t(`sh.status.${d.status}`)}</span>, nowrap: true },
                  { header: i18n.t('sh.kind'), cell: (d: DocumentMetadata) => i18n.t(`sh.doc.${d.kind}`) },
                  { header: i18n.t('sh.sender'), cell: (d: DocumentMetadata) => <span>{d.sender.name ?? ''}<span class="code">{d.sender.code}</span></span> },
                  { header: i18n.t('patientId'), cell: (d: DocumentMetadata) => d.patient.replace(/^Patient\//, ''), nowrap: true },
                  { header: i18n.t('sh.documentDate'), cell: (d: DocumentMetadata) => formatDate(d.date ?? d.submitted, i18n.lang), nowrap: true },
                  {
                    header: i18n.t('actions'), cell: (d: DocumentMetadata) => (
                      <span class="actions">
                        <button type="button" onClick={() => retrieve(d.id)} aria-label={`${i18n.t(d.status === 'new' ? 'sh.retrieve' : 'sh.show')} ${d.sender.name ?? d.sender.code}`}>
                          {i18n.t(d.status === 'new' ? 'sh.retrieve' : 'sh.show')}
                        </button>
                        {d.status === 'retrieved' && <button type="button" class="primary" onClick={() => acknowledge(d.id)}>{i18n.t('sh.acknowledge')}</button>}
                      </span>
                    ),
                  },
                ]} />
              </div>
            )}
      {open && (
        <div id="document-panel" aria-live="polite">
          {action.status === 'loading' ? <Loading />
            : action.status === 'failed' ? <ConsentRefusal error={action.error} noConsentKey="sh.noConsentDocuments" />
              : action.status === 'done' ? <DocumentView document={action.value} onAcknowledge={() => acknowledge(action.value.id)} /> : null}
        </div>
      )}
    </section>
  );
}

/** A retrieved document: who sent it, when, and its sections (purpose, diagnoses, course, medications, remarks…). */
function DocumentView({ document, onAcknowledge }: { document: DocumentMetadata; onAcknowledge: () => void }) {
  const i18n = useI18n();
  const readable = document.document ? readDocument(document.document) : null;
  return (
    <article id="document" class="document" aria-labelledby="document-title">
      <h2 id="document-title">{readable?.title || i18n.t(`sh.doc.${document.kind}`)}</h2>
      <Details rows={[
        [i18n.t('sh.status'), i18n.t(`sh.status.${document.status}`)],
        [i18n.t('sh.sender'), `${readable?.institution || document.sender.name || ''} ${document.sender.code}`.trim()],
        [i18n.t('sh.author'), readable?.author ?? ''],
        [i18n.t('sh.documentDate'), formatDate(readable?.date ?? document.date ?? document.submitted, i18n.lang)],
        [i18n.t('sh.acknowledgedAt'), document.acknowledged ? formatDateTime(document.acknowledged, i18n.lang) : ''],
      ]} />
      {(readable?.sections ?? []).map((s, i) => (
        <section key={`${s.code}-${i}`} class="document-section">
          <h3>{s.title}</h3>
          {s.text && <p class="pre">{s.text}</p>}
          {s.entries.length > 0 && <ul>{s.entries.map((e, j) => <li key={j}>{e}</li>)}</ul>}
        </section>
      ))}
      <p class="actions no-print">
        {document.status === 'retrieved' && <button type="button" class="primary" id="acknowledge" onClick={onAcknowledge}>{i18n.t('sh.acknowledge')}</button>}
        <button type="button" onClick={() => window.print()}>{i18n.t('print')}</button>
      </p>
    </article>
  );
}

function Sent({ version }: { version: number }) {
  const i18n = useI18n();
  const { api } = useSession();
  const list = useLoad(`sent:${version}`, signal => api.send<DocumentList>('/sharing/sent', { signal }));
  return (
    <section aria-labelledby="sent-title">
      <h2 id="sent-title">{i18n.t('sh.sent')}</h2>
      {list.status === 'failed' ? <ErrorBox title={i18n.t('sh.inboxFailed')} error={list.error} />
        : list.status !== 'done' ? <Loading />
          : list.value.items.length === 0 ? <p>{i18n.t('sh.sentEmpty')}</p>
            : (
              <div id="sent">
                <DataTable caption={i18n.t('sh.sent')} rows={list.value.items} rowKey={d => d.id} columns={[
                  { header: i18n.t('sh.documentDate'), cell: (d: DocumentMetadata) => formatDate(d.date ?? d.submitted, i18n.lang), nowrap: true },
                  { header: i18n.t('sh.kind'), cell: (d: DocumentMetadata) => i18n.t(`sh.doc.${d.kind}`) },
                  { header: i18n.t('sh.recipient'), cell: (d: DocumentMetadata) => (d.recipient ? <span>{d.recipient.name ?? ''}<span class="code">{d.recipient.code}</span></span> : '') },
                  { header: i18n.t('patientId'), cell: (d: DocumentMetadata) => d.patient.replace(/^Patient\//, ''), nowrap: true },
                  {
                    header: i18n.t('sh.retrievedByRecipient'), nowrap: true,
                    cell: (d: DocumentMetadata) => (d.retrieved ? i18n.t('sh.retrievedOn', { date: formatDateTime(d.retrieved, i18n.lang) }) : i18n.t('sh.notRetrieved')),
                  },
                ]} />
              </div>
            )}
    </section>
  );
}
