// The security administrator's screens (#/admin/{section}).
import { Accounts } from './Accounts';
import { Alerts } from './Alerts';
import { Audit } from './Audit';
import { Clients } from './Clients';
import { Policy } from './Policy';

export const adminSections = ['accounts', 'clients', 'policy', 'audit', 'alerts'] as const;
export type AdminSection = (typeof adminSections)[number];

export const adminNavKeys: Record<AdminSection, string> = {
  accounts: 'navAccounts', clients: 'navClients', policy: 'navPolicy', audit: 'navAudit', alerts: 'navAlerts',
};

export function sectionOf(id: string | null): AdminSection {
  return (adminSections as readonly string[]).includes(id ?? '') ? (id as AdminSection) : 'accounts';
}

export function Admin({ section }: { section: AdminSection }) {
  switch (section) {
    case 'accounts': return <Accounts />;
    case 'clients': return <Clients />;
    case 'policy': return <Policy />;
    case 'audit': return <Audit />;
    case 'alerts': return <Alerts />;
  }
}
