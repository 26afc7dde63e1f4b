// The idle lock: a reception desk is left alone, a screen full of a patient's data stays open.
// After a while without a key press, click or touch, the screen's content leaves the page and the
// person signs in again to go on; what was typed is kept in the tab (drafts, below) and comes back.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from './i18n';

/** Two minutes: shorter than a token's life (5), long enough not to interrupt a conversation at the desk. */
export const idleLockMs = 2 * 60_000;

export function useIdleLock(active: boolean, idleMs: number = idleLockMs): boolean {
  const [locked, setLocked] = useState(false);
  useEffect(() => {
    if (!active) {
      setLocked(false);
      return undefined;
    }
    let timer = setTimeout(() => setLocked(true), idleMs);
    const activity = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setLocked(true), idleMs);
    };
    const events = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
    for (const name of events) window.addEventListener(name, activity, { passive: true });
    return () => {
      clearTimeout(timer);
      for (const name of events) window.removeEventListener(name, activity);
    };
  }, [active, idleMs]);
  return locked;
}

export function LockScreen({ onResume }: { onResume: () => void }) {
  const i18n = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <section class="locked" aria-labelledby="locked-title">
      <h1 id="locked-title">{i18n.t('lockedTitle')}</h1>
      <p>{i18n.t('lockedHelp')}</p>
      <p><button type="button" class="primary" ref={button} onClick={onResume}>{i18n.t('unlock')}</button></p>
    </section>
  );
}

const draftPrefix = 'kakehashi.draft.';

/** What was typed in a form, kept in this tab (sessionStorage, gone when it closes) across a lock or an expired sign-in. */
export function loadDraft<T>(name: string, fallback: () => T): T {
  try {
    const stored = sessionStorage.getItem(draftPrefix + name);
    return stored ? { ...fallback(), ...(JSON.parse(stored) as Partial<T>) } : fallback();
  } catch {
    return fallback();
  }
}

export function saveDraft(name: string, value: unknown): void {
  sessionStorage.setItem(draftPrefix + name, JSON.stringify(value));
}

export function clearDraft(name: string): void {
  sessionStorage.removeItem(draftPrefix + name);
}

/** On sign-out nothing typed stays behind. */
export function clearDrafts(): void {
  for (const key of Object.keys(sessionStorage)) if (key.startsWith(draftPrefix)) sessionStorage.removeItem(key);
}
