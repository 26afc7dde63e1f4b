// Sign-in, the header, and the screens by route: #/eligibility, #/history/{patient id}.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Auth } from '../lib/auth';
import { Header, Notice } from '../lib/frame';
import { clearDrafts, LockScreen, useIdleLock } from '../lib/idle';
import { I18nContext, type Language, makeI18n, storedLanguage, storeLanguage, useI18n } from '../lib/i18n';
import { href, useRoute } from '../lib/route';
import { SessionContext, useSessionState } from '../lib/session';
import { Admin, adminNavKeys, adminSections, sectionOf } from './admin/Admin';
import { Eligibility } from './Eligibility';
import { History } from './History';
import { Patients } from './Patients';
import { Dispense } from './Dispense';
import { Prescribe } from './Prescribe';
import { handOver } from './prescriptionParts';
import { ClinicalItems } from './ClinicalItems';
import { Emergency } from './Emergency';
import { Inbox } from './Inbox';
import { Referral } from './Referral';
import { administers, checksEligibility, dispenses, historyViews, prescribes, receivesDocuments, viewsClinicalItems, viewsEmergency, writesReferrals } from './roles';
import { staffTexts } from './texts';

export const auth = new Auth({
  clientId: 'kakehashi-ui',
  scope: 'user/*.rs user/CoverageEligibilityRequest.u user/MedicationRequest.cu user/MedicationDispense.c',
  home: '/ui/',
  callbackPath: '/ui/callback',
  storageKey: 'kakehashi.token',
});

const sharingNavKeys = { inbox: 'sh.navInbox', referral: 'sh.navReferral', 'clinical-items': 'sh.navItems', emergency: 'sh.navEmergency' } as const;

type NoticeKey = 'sessionExpired' | 'signedOut' | 'signInFailed' | null;

export function App() {
  const [lang, setLang] = useState<Language>(storedLanguage);
  const i18n = useMemo(() => makeI18n(lang, staffTexts), [lang]);
  const [notice, setNotice] = useState<NoticeKey>(null);
  const [completing, setCompleting] = useState(() => auth.isCallback());
  const { session, signOut, refresh } = useSessionState(auth, reason => setNotice(reason === 'expired' ? 'sessionExpired' : 'signedOut'));
  const route = useRoute();
  const locked = useIdleLock(session !== null);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('title');
  }, [i18n]);

  useEffect(() => {
    if (!completing) return;
    auth.completeSignIn().then(
      returnTo => {
        refresh();
        location.hash = returnTo || (administers(auth.user()?.role) ? '#/admin/accounts' : '#/eligibility');
      },
      () => setNotice('signInFailed'),
    ).finally(() => setCompleting(false));
  }, []);

  useEffect(() => {
    // Moving to another screen clears the last notice.
    if (session) setNotice(null);
  }, [route.page, route.id]);

  const switchLanguage = () => {
    const next = lang === 'ja' ? 'en' : 'ja';
    storeLanguage(next);
    setLang(next);
  };

  const role = session?.user.role;
  const views = historyViews(role);
  const admin = administers(role);
  const prescriber = prescribes(role);
  const pharmacy = dispenses(role);
  const inbox = receivesDocuments(role) || writesReferrals(role);
  const sharing: Record<string, boolean> = {
    inbox, referral: writesReferrals(role), 'clinical-items': viewsClinicalItems(role), emergency: viewsEmergency(role),
  };
  const page = admin ? 'admin' : route.page === 'history' ? 'history' : route.page === 'patients' ? 'patients'
    : route.page === 'prescriptions' && prescriber ? 'prescriptions' : route.page === 'dispensing' && pharmacy ? 'dispensing'
      : sharing[route.page] ? route.page : 'eligibility';
  // The patient handed from the eligibility check to the prescription screen stays in memory only while unlocked.
  useEffect(() => { if (locked || !session) handOver(null); }, [locked, session]);
  const section = sectionOf(route.id);
  const nav = admin
    ? adminSections.map(s => ({ href: href('admin', s), label: i18n.t(adminNavKeys[s]), current: s === section }))
    : [
      ...(checksEligibility(role) ? [{ href: href('eligibility'), label: i18n.t('navEligibility'), current: page === 'eligibility' }] : []),
      ...(checksEligibility(role) ? [{ href: href('patients'), label: i18n.t('navPatients'), current: page === 'patients' }] : []),
      ...(views.length > 0 ? [{ href: href('history'), label: i18n.t('navHistory'), current: page === 'history' }] : []),
      ...(prescriber ? [{ href: href('prescriptions'), label: i18n.t('navPrescriptions'), current: page === 'prescriptions' }] : []),
      ...(pharmacy ? [{ href: href('dispensing'), label: i18n.t('navDispensing'), current: page === 'dispensing' }] : []),
      ...(['inbox', 'referral', 'clinical-items', 'emergency'] as const).filter(p => sharing[p]).map(p => ({
        href: href(p), label: i18n.t(sharingNavKeys[p]), current: page === p,
      })),
    ];

  return (
    <I18nContext.Provider value={i18n}>
      <a class="skip" href="#main" onClick={e => { e.preventDefault(); document.getElementById('main')?.focus(); }}>{i18n.t('skipToContent')}</a>
      <Header user={session?.user ?? null} nav={locked ? [] : nav} onLanguage={switchLanguage} onSignOut={() => { clearDrafts(); void signOut(); }} />
      <main id="main" tabIndex={-1}>
        <Notice text={notice ? i18n.t(notice) : null} />
        {completing ? null : session && locked ? (
          // The screens unmount: no patient data stays in the page while it is locked.
          <LockScreen onResume={() => void auth.signOut().then(() => auth.signIn(location.hash, lang))} />
        ) : session ? (
          <SessionContext.Provider value={session}>
            {page === 'admin' ? <Admin section={section} />
              : page === 'history' ? <History patientId={route.id} views={views} />
                : page === 'patients' ? <Patients canOpenHistory={views.length > 0} />
                : page === 'prescriptions' ? <Prescribe />
                : page === 'dispensing' ? <Dispense />
                : page === 'inbox' ? <Inbox receives={receivesDocuments(role)} sends={writesReferrals(role)} />
                : page === 'referral' ? <Referral patientId={route.id} />
                : page === 'clinical-items' ? <ClinicalItems patientId={route.id} />
                : page === 'emergency' ? <Emergency patientId={route.id} />
                : <Eligibility canOpenHistory={views.length > 0} canPrescribe={prescriber} />}
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
