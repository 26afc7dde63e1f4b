// Calls to the server with the session's access token. Every call takes an AbortSignal, so a
// screen that moves on (another patient, another tab) cancels what it no longer needs; a refused
// session ends the session once, instead of every screen retrying on its own.
import type { Issue, OperationOutcome } from './fhir';

export class ApiError extends Error {
  constructor(readonly status: number, readonly outcome: OperationOutcome | null) {
    super(outcome?.issue?.[0]?.diagnostics ?? `HTTP ${status}`);
  }

  get issues(): Issue[] {
    return this.outcome?.issue ?? [];
  }
}

/** A local check that failed before anything was sent, shown like the server's refusals. */
export function localError(field: string, diagnostics: string, code = 'invalid'): ApiError {
  return new ApiError(400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics, expression: [field] }] });
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

export interface ApiOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  contentType?: string;
  headers?: Record<string, string>;
  /** A body sent exactly as given (a signed document: its bytes are what was signed). */
  rawBody?: string;
}

export class Api {
  constructor(
    private readonly token: () => string | null,
    private readonly onUnauthorized: () => void,
  ) {}

  /** JSON in, JSON out; a non-2xx answer throws ApiError with the server's OperationOutcome. */
  async send<T>(path: string, options: ApiOptions = {}): Promise<T> {
    const text = await this.sendText(path, options);
    try {
      return (text ? JSON.parse(text) : null) as T;
    } catch {
      return null as T;
    }
  }

  /** The answer's text as the server wrote it (a signed document is passed on byte for byte); non-2xx throws as send does. */
  async sendText(path: string, options: ApiOptions = {}): Promise<string> {
    const response = await this.fetch(path, options);
    const text = await response.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      const outcome = (body as { resourceType?: string } | null)?.resourceType === 'OperationOutcome' ? (body as OperationOutcome) : null;
      throw new ApiError(response.status, outcome);
    }
    return text;
  }

  /** The raw answer (downloads); non-2xx throws as send does. */
  async fetch(path: string, options: ApiOptions = {}): Promise<Response> {
    const token = this.token();
    if (!token) {
      this.onUnauthorized();
      throw new ApiError(401, null);
    }
    const headers: Record<string, string> = { Accept: 'application/fhir+json, application/json', ...options.headers, Authorization: `Bearer ${token}` };
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = options.rawBody;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    let response: Response;
    try {
      response = await fetch(path, { method: options.method ?? 'GET', headers, body, signal: options.signal ?? null });
    } catch (error) {
      if (isAbort(error)) throw error;
      throw new ApiError(0, null);
    }
    if (response.status === 401) {
      this.onUnauthorized();
      throw new ApiError(401, null);
    }
    return response;
  }
}
