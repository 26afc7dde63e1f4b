// Sign-in through the server's login page as a public client: authorization code + PKCE (S256).
// The access token lives in sessionStorage only (this tab, until it closes or the token
// expires) and never in a URL: the code in the callback URL is removed at once.
import type { Language } from './i18n';

export interface ClientSettings {
  readonly clientId: string;
  readonly scope: string;
  /** Where the app lives (/ui/, /portal/) and its registered callback path. */
  readonly home: string;
  readonly callbackPath: string;
  /** Each app keeps its own session: a patient's and a clerk's tokens never mix. */
  readonly storageKey: string;
}

export interface SignedInUser {
  readonly name: string;
  readonly role: string | undefined;
  readonly organization: string | undefined;
  readonly patient: string | undefined;
}

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

export class Auth {
  constructor(readonly settings: ClientSettings) {}

  private get pendingKey(): string {
    return `${this.settings.storageKey}.signin`;
  }

  private redirectUri(): string {
    return `${location.origin}${this.settings.callbackPath}`;
  }

  /** Leaves for the login page; comes back to the callback path with a code. */
  async signIn(returnTo: string, lang: Language): Promise<void> {
    const verifier = randomText();
    const state = randomText();
    const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
    sessionStorage.setItem(this.pendingKey, JSON.stringify({ verifier, state, returnTo }));
    const query = new URLSearchParams({
      response_type: 'code', client_id: this.settings.clientId, redirect_uri: this.redirectUri(), scope: this.settings.scope,
      state, code_challenge: challenge, code_challenge_method: 'S256', ui_locales: lang,
    });
    location.assign(`/connect/authorize?${query}`);
  }

  isCallback(): boolean {
    return location.pathname === this.settings.callbackPath;
  }

  /** On the callback path: exchanges the code for a token and clears the address. Returns the route to go on with, or throws. */
  async completeSignIn(): Promise<string> {
    const params = new URLSearchParams(location.search);
    const pending = JSON.parse(sessionStorage.getItem(this.pendingKey) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
    sessionStorage.removeItem(this.pendingKey);
    history.replaceState(null, '', this.settings.home);
    const code = params.get('code');
    if (!pending || params.get('state') !== pending.state || !code) {
      throw new Error(params.get('error_description') ?? 'invalid sign-in response');
    }
    const response = await fetch('/connect/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code, redirect_uri: this.redirectUri(), client_id: this.settings.clientId, code_verifier: pending.verifier,
      }),
    });
    if (!response.ok) throw new Error('token request refused');
    const body = (await response.json()) as { access_token: string; expires_in: number };
    sessionStorage.setItem(this.settings.storageKey, JSON.stringify({ token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 }));
    return pending.returnTo || '';
  }

  /** The access token while it is valid, else null. */
  token(): string | null {
    const stored = JSON.parse(sessionStorage.getItem(this.settings.storageKey) ?? 'null') as { token: string; expiresAt: number } | null;
    if (!stored || Date.now() >= stored.expiresAt) {
      sessionStorage.removeItem(this.settings.storageKey);
      return null;
    }
    return stored.token;
  }

  /** Drops the token of this tab without telling the server (it refused it already). */
  forget(): void {
    sessionStorage.removeItem(this.settings.storageKey);
  }

  /** Who is signed in, from the token's claims (display only: the server checks every request). */
  user(): SignedInUser | null {
    const token = this.token();
    if (!token) return null;
    try {
      const payload = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
      const json = new TextDecoder().decode(Uint8Array.from(atob(payload), c => c.charCodeAt(0)));
      const claims = JSON.parse(json) as Record<string, string | undefined>;
      return { name: claims.name ?? claims.sub ?? '', role: claims.kh_role, organization: claims.kh_org, patient: claims.patient };
    } catch {
      return null;
    }
  }

  /** Forgets the token and asks the server to revoke it. */
  async signOut(): Promise<void> {
    const token = this.token();
    this.forget();
    if (!token) return;
    try {
      await fetch('/connect/revoke', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: this.settings.clientId }),
      });
    } catch {
      // The token is gone from this tab either way and expires within minutes.
    }
  }
}
