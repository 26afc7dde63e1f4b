// 職種別の権限表: the role policy as a table — one row per kind of data, one column per job type,
// the actions in words — and what each consent category opens.
import { ScreenTitle } from '../../lib/frame';
import { useI18n } from '../../lib/i18n';
import { useLoad } from '../../lib/load';
import { useSession } from '../../lib/session';
import { ErrorBox, Loading } from '../../lib/ui';

interface PolicyDescription {
  groups: Record<string, string[]>;
  roles: Record<string, Record<string, string>>;
  consentCategories: Record<string, string[]>;
  notClinical: string[];
}

export function Policy() {
  const i18n = useI18n();
  const { api } = useSession();
  const policy = useLoad('policy', signal => api.send<PolicyDescription>('/admin/policy', { signal }));
  if (policy.status === 'failed') return <ErrorBox title={i18n.t('adminFailed')} error={policy.error} />;
  if (policy.status !== 'done') return <Loading />;
  const { roles, groups, consentCategories, notClinical } = policy.value;
  const roleNames = Object.keys(roles);
  const targets = [...new Set(roleNames.flatMap(r => Object.keys(roles[r] ?? {})))].sort();
  const words = (actions: string | undefined) => (actions ? [...actions].map(a => i18n.t(`action.${a}`)).join('・') : i18n.t('noGrant'));
  return (
    <section aria-labelledby="policy-title">
      <ScreenTitle id="policy-title" focusKey="admin-policy">{i18n.t('policyTitle')}</ScreenTitle>
      <p>{i18n.t('policyHelp')}</p>
      <div class="scroll" tabIndex={0} role="region" aria-label={i18n.t('policyTitle')}>
        <table id="policy">
          <caption>{i18n.t('policyTitle')}</caption>
          <thead><tr><th scope="col">{i18n.t('resource')}</th>{roleNames.map(r => <th key={r} scope="col" class="nowrap">{i18n.t(`role.${r}`)}</th>)}</tr></thead>
          <tbody>
            {targets.map(target => (
              <tr key={target}>
                <th scope="row" title={(groups[target] ?? [target]).join(', ')}>{target}{groups[target] && <span class="code">{groups[target].join(', ')}</span>}</th>
                {roleNames.map(r => <td key={r} class="nowrap">{words(roles[r]?.[target])}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>{i18n.t('consentCategoryLabel')}</h2>
      <table>
        <caption>{i18n.t('consentCategoryLabel')}</caption>
        <thead><tr><th scope="col">{i18n.t('consentCategoryLabel')}</th><th scope="col">{i18n.t('opens')}</th></tr></thead>
        <tbody>{Object.entries(consentCategories).map(([c, types]) => <tr key={c}><th scope="row">{c}</th><td>{types.join(', ')}</td></tr>)}</tbody>
      </table>
      <p><strong>{i18n.t('notClinicalLabel')}</strong>: {notClinical.join(', ')}</p>
    </section>
  );
}
