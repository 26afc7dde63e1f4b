// The staff UI: sign-in, routes (#/eligibility, #/history/{patient}), language switch.
import { accessToken, completeSignIn, currentUser, signIn, signOut } from './auth.js';
import { initEligibility, rerenderEligibility } from './eligibility.js';
import { initHistory, rerenderHistory, showPatient } from './history.js';
import { applyTexts, language, setLanguage, t } from './i18n.js';

const views = ['signed-out', 'eligibility', 'history'];
const roleNames = {
  ja: { doctor: '医師', dentist: '歯科医師', pharmacist: '薬剤師', nurse: '看護師', clerk: '事務（受付）' },
  en: { doctor: 'doctor', dentist: 'dentist', pharmacist: 'pharmacist', nurse: 'nurse', clerk: 'reception clerk' },
};

function show(view) {
  for (const name of views) document.getElementById(`view-${name}`).hidden = name !== view;
  document.getElementById('nav').hidden = view === 'signed-out';
  document.getElementById('logout').hidden = view === 'signed-out';
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.getAttribute('href') === `#/${view}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

function notice(text) {
  const box = document.getElementById('notice');
  box.textContent = text ?? '';
  box.hidden = !text;
}

function renderUser() {
  const user = currentUser();
  const role = user?.role ? roleNames[language()][user.role] ?? user.role : '';
  const withRole = language() === 'ja' ? `（${role}）` : ` (${role})`;
  document.getElementById('who').textContent = user ? `${user.name}${role ? withRole : ''}` : '';
}

async function route() {
  if (!accessToken()) {
    renderUser();
    show('signed-out');
    return;
  }
  renderUser();
  const [, page, id] = location.hash.split('/');
  if (page === 'history') {
    show('history');
    await showPatient(id ? decodeURIComponent(id) : null);
  } else {
    show('eligibility');
  }
}

function expired() {
  notice(t('sessionExpired'));
  route();
}

async function start() {
  applyTexts();
  document.getElementById('lang-switch').addEventListener('click', () => {
    setLanguage(language() === 'ja' ? 'en' : 'ja');
    applyLanguage();
  });
  document.getElementById('login').addEventListener('click', () => signIn(location.hash));
  document.getElementById('logout').addEventListener('click', async () => {
    await signOut();
    // Without a hashchange event, which would clear the notice below.
    history.replaceState(null, '', '/ui/');
    notice(t('signedOut'));
    await route();
    document.getElementById('login').focus();
  });
  initEligibility(expired);
  initHistory(expired);
  applyLanguage();
  window.addEventListener('hashchange', () => {
    notice(null);
    route();
  });

  if (location.pathname === '/ui/callback') {
    try {
      location.hash = await completeSignIn();
    } catch {
      notice(t('signInFailed'));
    }
  }
  await route();
}

function applyLanguage() {
  applyTexts();
  const switcher = document.getElementById('lang-switch');
  switcher.textContent = t('switchLanguage');
  switcher.lang = language() === 'ja' ? 'en' : 'ja';
  renderUser();
  rerenderEligibility();
  rerenderHistory();
}

start();
