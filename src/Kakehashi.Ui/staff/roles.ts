// What each job type is offered in the staff workspace. Display only: the server's role policy
// (docs/security/policy.md) and the patient's consent decide every request; the screens just do
// not offer what would be refused anyway.

export type HistoryView = 'medication-history' | 'checkup-history' | 'treatment-history';

const allViews: readonly HistoryView[] = ['medication-history', 'checkup-history', 'treatment-history'];

/** The history views a job type may open (pharmacists: no treatment; clerks: none). */
export function historyViews(role: string | undefined): readonly HistoryView[] {
  switch (role) {
    case 'doctor': case 'dentist': case 'nurse': return allViews;
    case 'pharmacist': return ['medication-history', 'checkup-history'];
    default: return [];
  }
}

/** Job types that check eligibility at a reception desk or a pharmacy counter. */
export function checksEligibility(role: string | undefined): boolean {
  return role === 'clerk' || role === 'doctor' || role === 'dentist' || role === 'nurse' || role === 'pharmacist';
}

/** Security administrators manage accounts, systems and the audit trail, and see no patient data. */
export function administers(role: string | undefined): boolean {
  return role === 'security-admin';
}

/** Doctors and dentists issue prescriptions (処方箋). */
export function prescribes(role: string | undefined): boolean {
  return role === 'doctor' || role === 'dentist';
}

/** Pharmacists retrieve prescriptions and register what they dispensed (調剤). */
export function dispenses(role: string | undefined): boolean {
  return role === 'pharmacist';
}

/** The staff of a medical institution read its document inbox (a clerk retrieves at reception). */
export function receivesDocuments(role: string | undefined): boolean {
  return role === 'doctor' || role === 'dentist' || role === 'nurse' || role === 'clerk';
}

/** Doctors and dentists write referral letters (診療情報提供書). */
export function writesReferrals(role: string | undefined): boolean {
  return role === 'doctor' || role === 'dentist';
}

/** The clinical staff who view the 6情報 of a consented patient. */
export function viewsClinicalItems(role: string | undefined): boolean {
  return role === 'doctor' || role === 'dentist' || role === 'nurse' || role === 'pharmacist';
}

/** Hospital doctors view the emergency summary (救急時医療情報閲覧); the server checks the hospital. */
export function viewsEmergency(role: string | undefined): boolean {
  return role === 'doctor';
}
