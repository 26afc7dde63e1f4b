// The frame of every app: a one-line header (brand, menu, who is signed in, language, sign-out)
// and the main region, whose heading takes the focus when the screen changes.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import type { SignedInUser } from './auth';
import { useI18n } from './i18n';

export interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly current: boolean;
}

export function Header({ user, nav, onLanguage, onSignOut }: {
  user: SignedInUser | null; nav: NavItem[]; onLanguage: () => void; onSignOut: () => void;
}) {
  const i18n = useI18n();
  const role = user?.role ? i18n.t(`role.${user.role}`) : '';
  const who = user ? (role ? (i18n.lang === 'ja' ? `${user.name}（${role}）` : `${user.name} (${role})`) : user.name) : '';
  return (
    <header class="top">
      <p class="brand">{i18n.t('brand')} <span class="sub">{i18n.t('brandSub')}</span></p>
      {user && nav.length > 0 && (
        <nav aria-label={i18n.t('menu')}>
          {nav.map(item => <a key={item.href} href={item.href} aria-current={item.current ? 'page' : undefined}>{item.label}</a>)}
        </nav>
      )}
      <div class="session">
        <span id="who">{who}</span>
        <button type="button" id="lang-switch" lang={i18n.lang === 'ja' ? 'en' : 'ja'} onClick={onLanguage}>{i18n.t('switchLanguage')}</button>
        {user && <button type="button" id="logout" onClick={onSignOut}>{i18n.t('logout')}</button>}
      </div>
    </header>
  );
}

/** A screen's heading, focused when the screen opens (keyboard and screen-reader users land on it). */
export function ScreenTitle({ id, children, focusKey }: { id: string; children: ComponentChildren; focusKey: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), [focusKey]);
  return <h1 id={id} tabIndex={-1} ref={ref}>{children}</h1>;
}

export function Notice({ text }: { text: string | null }) {
  return <p id="notice" role="status" class="notice" hidden={!text}>{text ?? ''}</p>;
}
