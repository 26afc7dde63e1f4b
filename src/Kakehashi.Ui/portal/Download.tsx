// データのダウンロード: the patient's own record through the bulk export (Patient/$export,
// narrowed to their compartment by the server), gathered into one NDJSON file to save.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api';
import { ScreenTitle } from '../lib/frame';
import { useI18n } from '../lib/i18n';
import { useAction } from '../lib/load';
import { useSession } from '../lib/session';
import { ErrorBox } from '../lib/ui';

interface Manifest {
  output: { type: string; url: string; count: number }[];
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(timer); reject(new DOMException('aborted', 'AbortError')); });
});

export function Download() {
  const i18n = useI18n();
  const { api } = useSession();
  const [result, run] = useAction<{ url: string; count: number }>();
  const [link, setLink] = useState<string | null>(null);
  // The file lives in this tab's memory until the screen closes.
  useEffect(() => () => { if (link) URL.revokeObjectURL(link); }, [link]);

  const prepare = () => void run(async signal => {
    const kickoff = await api.fetch('/fhir/Patient/$export', { signal, headers: { Prefer: 'respond-async' } });
    const status = kickoff.headers.get('Content-Location');
    if (kickoff.status !== 202 || !status) throw new ApiError(kickoff.status, null);
    let manifest: Manifest | null = null;
    while (!manifest) {
      const poll = await api.fetch(new URL(status, location.origin).pathname, { signal });
      if (poll.status === 200) manifest = (await poll.json()) as Manifest;
      else if (poll.status === 202) await sleep(1000, signal);
      else throw new ApiError(poll.status, null);
    }
    const parts: string[] = [];
    for (const output of manifest.output) {
      const file = await api.fetch(new URL(output.url, location.origin).pathname, { signal, headers: { Accept: 'application/fhir+ndjson' } });
      if (!file.ok) throw new ApiError(file.status, null);
      parts.push(await file.text());
    }
    const url = URL.createObjectURL(new Blob(parts, { type: 'application/fhir+ndjson' }));
    setLink(url);
    return { url, count: manifest.output.reduce((n, o) => n + o.count, 0) };
  });

  return (
    <section aria-labelledby="download-title">
      <ScreenTitle id="download-title" focusKey="download">{i18n.t('downloadTitle')}</ScreenTitle>
      <p>{i18n.t('downloadHelp')}</p>
      <p><button type="button" class="primary" onClick={prepare} disabled={result.status === 'loading'}>{i18n.t(result.status === 'loading' ? 'preparing' : 'prepare')}</button></p>
      {result.status === 'failed' && <ErrorBox title={i18n.t('downloadFailed')} error={result.error} />}
      {result.status === 'done' && (
        <p role="status">{i18n.t('downloadReady', { n: result.value.count })}{' '}
          <a class="button" href={result.value.url} download="my-data.ndjson">{i18n.t('downloadLink')}</a></p>
      )}
    </section>
  );
}
