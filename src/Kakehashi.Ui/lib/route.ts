// The address's hash as the route (#/history/{id}): bookmarkable, and the back button works.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  readonly page: string;
  readonly id: string | null;
}

function read(): Route {
  const [, page = '', id] = location.hash.split('/');
  return { page, id: id ? decodeURIComponent(id) : null };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function href(page: string, id?: string | null): string {
  return id ? `#/${page}/${encodeURIComponent(id)}` : `#/${page}`;
}
