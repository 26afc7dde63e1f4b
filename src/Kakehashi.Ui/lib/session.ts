// One signed-in session per app: its user, its API client, and what happens when the server
// refuses the token (signed out in another tab, expired, disabled account): the session ends
// once, every screen unmounts with it, and the person is offered to sign in again.
import { createContext } from 'preact';
import { useContext, useMemo, useState } from 'preact/hooks';
import { Api } from './api';
import type { Auth, SignedInUser } from './auth';

export interface Session {
  readonly user: SignedInUser;
  readonly api: Api;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in screen');
  return session;
}

/** The current session (null when signed out) and a way to end it with a reason to show. */
export function useSessionState(auth: Auth, onEnded: (reason: 'expired' | 'signedOut') => void) {
  const [user, setUser] = useState(() => auth.user());
  const session = useMemo<Session | null>(() => {
    if (!user) return null;
    const api = new Api(() => auth.token(), () => {
      auth.forget();
      setUser(null);
      onEnded('expired');
    });
    return { user, api };
    // onEnded is the app's stable notice setter.
  }, [user]);
  const signOut = async () => {
    await auth.signOut();
    setUser(null);
    onEnded('signedOut');
  };
  const refresh = () => setUser(auth.user());
  return { session, signOut, refresh };
}
