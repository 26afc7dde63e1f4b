// Loads keyed by what they are for (a patient, a patient and a view). A new key cancels the
// previous load, and an answer is only ever drawn under the key it was loaded for: a slow
// answer for patient A can never appear on patient B's screen (issue 14, patient safety).
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, isAbort } from './api';

export type Load<T> =
  | { readonly status: 'idle' }
  | { readonly status: 'loading' }
  | { readonly status: 'done'; readonly value: T }
  | { readonly status: 'failed'; readonly error: ApiError };

type Keyed<T> = { readonly key: string; readonly load: Load<T> };

/** Runs load(signal) whenever key changes (null: nothing to load); what it returns is shown only while the key is current. */
export function useLoad<T>(key: string | null, load: (signal: AbortSignal) => Promise<T>): Load<T> {
  const [state, setState] = useState<Keyed<T> | null>(null);
  useEffect(() => {
    if (key === null) return undefined;
    const controller = new AbortController();
    setState({ key, load: { status: 'loading' } });
    load(controller.signal).then(
      value => controller.signal.aborted || setState({ key, load: { status: 'done', value } }),
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setState({ key, load: { status: 'failed', error: error instanceof ApiError ? error : new ApiError(0, null) } });
      });
    return () => controller.abort();
    // The key names everything the load depends on.
  }, [key]);
  if (key === null) return { status: 'idle' };
  return state?.key === key ? state.load : { status: 'loading' };
}

/**
 * One action at a time (a submit, a save): starting another cancels the one in flight, and
 * only the latest one's outcome is kept.
 */
export function useAction<T>(): [Load<T>, (run: (signal: AbortSignal) => Promise<T>) => Promise<void>, () => void] {
  const [load, setLoad] = useState<Load<T>>({ status: 'idle' });
  const current = useRef<AbortController | null>(null);
  useEffect(() => () => current.current?.abort(), []);
  const reset = () => {
    current.current?.abort();
    current.current = null;
    setLoad({ status: 'idle' });
  };
  const start = async (run: (signal: AbortSignal) => Promise<T>) => {
    current.current?.abort();
    const mine = new AbortController();
    current.current = mine;
    setLoad({ status: 'loading' });
    try {
      const value = await run(mine.signal);
      if (current.current === mine) setLoad({ status: 'done', value });
    } catch (error) {
      if (current.current !== mine || isAbort(error)) return;
      setLoad({ status: 'failed', error: error instanceof ApiError ? error : new ApiError(0, null) });
    }
  };
  return [load, start, reset];
}
