// What a refused request means, in the UI's language: the server's OperationOutcome diagnostics
// are recognised and explained; in Japanese the server's English words are never shown, in
// English they are, when no better text exists.
import type { ApiError } from './api';
import type { Issue } from './fhir';
import type { I18n } from './i18n';

export interface ErrorPattern {
  readonly pattern: RegExp;
  readonly key: string;
}

/** The last segment of an issue's expression (insuranceCard.insurerNumber → insurerNumber). */
export function issueField(issue: Issue | undefined): string | null {
  const path = issue?.expression?.[0] ?? issue?.location?.[0] ?? '';
  return path.split('.').pop() || null;
}

function byStatus(error: ApiError, i18n: I18n): string {
  switch (error.status) {
    case 0: return i18n.t('error.network');
    case 401: return i18n.t('error.unauthorized');
    case 403: return i18n.t('error.forbidden');
    case 404: case 410: return i18n.t('error.notFound');
    case 409: case 412: return i18n.t('error.conflict');
    case 400: case 422: return i18n.t('error.invalid');
    default: return i18n.t('error.other');
  }
}

/** One plain sentence per issue of the refusal. */
export function explain(error: ApiError, i18n: I18n, patterns: readonly ErrorPattern[] = [], fieldLabel: (field: string) => string = f => f): string[] {
  const issues: (Issue | undefined)[] = error.issues.length ? error.issues : [undefined];
  const sentences = issues.map(issue => {
    const diagnostics = issue?.diagnostics ?? '';
    const known = patterns.find(p => p.pattern.test(diagnostics) && i18n.has(p.key));
    if (known) {
      const field = issueField(issue);
      return i18n.t(known.key, { field: field ? fieldLabel(field) : '' });
    }
    if (i18n.lang === 'en' && diagnostics) return diagnostics;
    return byStatus(error, i18n);
  });
  return [...new Set(sentences)];
}
