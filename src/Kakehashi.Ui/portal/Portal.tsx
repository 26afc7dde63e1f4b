// Sign-in and the portal's screens by route: #/home, #/medicines, #/prescriptions, #/checkups, #/documents, #/access-log,
// #/consents, #/download. A patient sees their own record only: the server decides that on every
// request (patient/ scopes, the own-compartment rule); the screens just ask for it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Auth } from '../lib/auth';
import { Header, Notice } from '../lib/frame';
import { I18nContext, type Language, makeI18n, storedLanguage, storeLanguage, useI18n } from '../lib/i18n';
import { href, useRoute } from '../lib/route';
import { SessionContext, useSessionState } from '../lib/session';
import { AccessLog } from './AccessLog';
import { Checkups } from './Checkups';
import { Consents } from './Consents';
import { Documents } from './Documents';
import { Download } from './Download';
import { Home } from './Home';
import { Medicines } from './Medicines';
import { Prescriptions } from './Prescriptions';
import { portalTexts } from './texts';

const auth = new Auth({
  clientId: 'kakehashi-portal',
  scope: 'patient/*.rs',
  home: '/portal/',
  callbackPath: '/portal/callback',
  storageKey: 'kakehashi.portal.token',
});

const pages = ['home', 'medicines', 'prescriptions', 'checkups', 'documents', 'access-log', 'consents', 'download'] as const;
type Page = (typeof pages)[number];
const navKeys: Record<Page, string> = {
  home: 'navHome', medicines: 'navMedicines', prescriptions: 'navPrescriptions', checkups: 'navCheckups', documents: 'navDocuments', 'access-log': 'navAccessLog', consents: 'navConsents',
  download: 'navDownload',
};

type NoticeKey = 'sessionExpired' | 'signedOut' | 'signInFailed' | null;

export function Portal() {
  const [lang, setLang] = useState<Language>(storedLanguage);
  const i18n = useMemo(() => makeI18n(lang, portalTexts), [lang]);
  const [notice, setNotice] = useState<NoticeKey>(null);
  const [completing, setCompleting] = useState(() => auth.isCallback());
  const { session, signOut, refresh } = useSessionState(auth, reason => setNotice(reason === 'expired' ? 'sessionExpired' : 'signedOut'));
  const route = useRoute();

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('title');
  }, [i18n]);

  useEffect(() => {
    if (!completing) return;
    auth.completeSignIn().then(
      returnTo => {
        refresh();
        location.hash = returnTo || '#/home';
      },
      () => setNotice('signInFailed'),
    ).finally(() => setCompleting(false));
  }, []);

  useEffect(() => {
    if (session) setNotice(null);
  }, [route.page]);

  const page: Page = (pages as readonly string[]).includes(route.page) ? (route.page as Page) : 'home';
  const patientId = session?.user.patient ?? null;
  const nav = session ? pages.map(p => ({ href: href(p), label: i18n.t(navKeys[p]), current: p === page })) : [];
  const switchLanguage = () => {
    const next = lang === 'ja' ? 'en' : 'ja';
    storeLanguage(next);
    setLang(next);
  };

  return (
    <I18nContext.Provider value={i18n}>
      <a class="skip" href="#main" onClick={e => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{i18n.t('skipToContent')}</a>
      <Header user={session?.user ?? null} nav={nav} onLanguage={switchLanguage} onSignOut={() => void signOut()} />
      <main id="main" tabIndex={-1} class="portal">
        <Notice text={notice ? i18n.t(notice) : null} />
        {completing ? null : session && patientId ? (
          <SessionContext.Provider value={session}>
            {page === 'home' && <Home patientId={patientId} />}
            {page === 'medicines' && <Medicines patientId={patientId} />}
            {page === 'prescriptions' && <Prescriptions />}
            {page === 'checkups' && <Checkups patientId={patientId} />}
            {page === 'documents' && <Documents patientId={patientId} />}
            {page === 'access-log' && <AccessLog />}
            {page === 'consents' && <Consents />}
            {page === 'download' && <Download />}
          </SessionContext.Provider>
        ) : (
          <SignedOut onSignIn={() => void auth.signIn(location.hash, lang)} />
        )}
      </main>
    </I18nContext.Provider>
  );
}

function SignedOut({ onSignIn }: { onSignIn: () => void }) {
  const i18n = useI18n();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <section aria-labelledby="signed-out-title">
      <h1 id="signed-out-title">{i18n.t('signInTitle')}</h1>
      <p>{i18n.t('signInHelp')}</p>
      <p><button type="button" id="login" class="primary" ref={button} onClick={onSignIn}>{i18n.t('signIn')}</button></p>
    </section>
  );
}
