// Sign-in as the public client "kakehashi-ui": authorization code + PKCE (S256) through the
// server's login page. The access token lives in sessionStorage only (this tab, until it closes
// or the token expires) and never in a URL: the code in the callback URL is removed at once.
import { language } from './i18n.js';

const clientId = 'kakehashi-ui';
const scope = 'user/*.rs user/CoverageEligibilityRequest.u';
const tokenKey = 'kakehashi.token';
const pendingKey = 'kakehashi.signin';

function base64url(bytes) {
  let text = '';
  for (const b of new Uint8Array(bytes)) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomText() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function redirectUri() {
  return `${location.origin}/ui/callback`;
}

/** Leaves for the login page; comes back to /ui/callback with a code. */
export async function signIn(returnTo) {
  const verifier = randomText();
  const state = randomText();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state, returnTo }));
  const query = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri(), scope, state,
    code_challenge: challenge, code_challenge_method: 'S256', ui_locales: language(),
  });
  location.assign(`/connect/authorize?${query}`);
}

/**
 * On /ui/callback: exchanges the code for a token, then replaces the URL (the code never stays
 * in the address bar or the history). Returns the hash route to go on with, or throws.
 */
export async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null');
  sessionStorage.removeItem(pendingKey);
  history.replaceState(null, '', '/ui/');
  if (!pending || params.get('state') !== pending.state || !params.get('code')) {
    throw new Error(params.get('error_description') ?? 'invalid sign-in response');
  }
  const response = await fetch('/connect/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      client_id: clientId, code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error('token request refused');
  const body = await response.json();
  sessionStorage.setItem(tokenKey, JSON.stringify({ token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 }));
  return pending.returnTo || '#/eligibility';
}

/** The access token while it is valid, else null. */
export function accessToken() {
  const stored = JSON.parse(sessionStorage.getItem(tokenKey) ?? 'null');
  if (!stored || Date.now() >= stored.expiresAt) {
    sessionStorage.removeItem(tokenKey);
    return null;
  }
  return stored.token;
}

/** Who is signed in, from the token's claims (display only: the server checks every request). */
export function currentUser() {
  const token = accessToken();
  if (!token) return null;
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(payload), c => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    return { name: claims.name ?? claims.sub, role: claims.kh_role, organization: claims.kh_org };
  } catch {
    return null;
  }
}

/** Forgets the token and asks the server to revoke it. */
export async function signOut() {
  const token = accessToken();
  sessionStorage.removeItem(tokenKey);
  if (token) {
    try {
      await fetch('/connect/revoke', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token, token_type_hint: 'access_token', client_id: clientId }),
      });
    } catch {
      // The token is gone from this tab either way and expires within minutes.
    }
  }
}
