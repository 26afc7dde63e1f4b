// The security administration screens' texts.

const ja = {
  navAccounts: 'アカウント', navClients: 'システム', navPolicy: '権限表', navAudit: '監査ログ', navAlerts: '緊急アラート',
  accountsTitle: 'アカウント管理', clientsTitle: 'システム（クライアント）管理', policyTitle: '職種別の権限表', auditTitle: '監査ログの検索',
  alertsTitle: '緊急時閲覧（ブレークグラス）のアラート',
  username: 'ユーザー名', displayName: '氏名', jobTypeLabel: '職種', organizationLabel: '組織コード', lastUsed: '最終利用', state: '状態',
  actions: '操作', 'state.active': '有効', 'state.disabled': '停止中', 'state.locked': 'ロック中', never: '未使用',
  disable: '停止する', enable: '再開する', resetSecondFactor: '確認コードを再発行', onlyInactive: '90日以上使われていないものだけ表示',
  disabledReason: '停止の理由', disabledDone: '{name}を停止しました。そのトークンは次の要求から拒否されます。', enabledDone: '{name}を再開しました。',
  newSecret: '{name}の新しい確認コード用シークレット（一度だけ表示）：{secret}', newSecretHelp: '本人の認証アプリに登録してもらってください。この画面を閉じると二度と表示されません。',
  createAccount: 'アカウントを作成', password: '初期パスワード', passwordHelp: '12文字以上。本人が最初のログイン後に変更します。', patientIdLabel: '患者ID（本人アカウントのみ）',
  create: '作成する', created: '{name}を作成しました。', clientId: 'クライアントID', scopes: 'スコープ', roleLabel: 'ロール',
  resource: '情報の種類', 'action.c': '登録', 'action.r': '閲覧', 'action.u': '更新', 'action.d': '削除', 'action.s': '検索', noGrant: '—',
  policyHelp: '各職種が扱える情報の種類と操作です。医療機関・薬局の職員は、これに加えて患者さんの同意が必要です。', consentCategoryLabel: '同意の区分', opens: '対象',
  notClinicalLabel: '同意なしで扱える基本情報',
  agent: '操作者（アカウントID・クライアントID）', patientRef: '患者（Patient/ID）', since: '開始', until: '終了', outcomeLabel: '結果',
  'outcome.any': 'すべて', 'outcome.success': '成功', 'outcome.failure': '拒否・失敗', emergencyOnly: '緊急時閲覧のみ', searchAudit: '検索',
  recordedAt: '日時', interaction: '操作', patientCol: '患者', status: '結果', nextPage: '次の50件', noRows: '該当する記録はありません。',
  verify: '改ざんチェック（ハッシュチェーン検証）', verifyOk: '改ざんは見つかりませんでした：{detail}', verifyBroken: '改ざんの可能性があります：{detail}',
  emergencyMark: '緊急', reason: '理由', acknowledge: '確認済みにする', acknowledged: 'アラートを確認済みにしました。', noAlerts: '未確認のアラートはありません。',
  adminFailed: '実行できませんでした',
};

const en: Record<keyof typeof ja, string> = {
  navAccounts: 'Accounts', navClients: 'Systems', navPolicy: 'Role policy', navAudit: 'Audit log', navAlerts: 'Emergency alerts',
  accountsTitle: 'Accounts', clientsTitle: 'Systems (clients)', policyTitle: 'Role policy by job type', auditTitle: 'Search the audit log',
  alertsTitle: 'Emergency access (break-the-glass) alerts',
  username: 'Username', displayName: 'Name', jobTypeLabel: 'Job type', organizationLabel: 'Organization code', lastUsed: 'Last used', state: 'State',
  actions: 'Actions', 'state.active': 'Active', 'state.disabled': 'Disabled', 'state.locked': 'Locked', never: 'Never',
  disable: 'Disable', enable: 'Enable', resetSecondFactor: 'Reset second factor', onlyInactive: 'Only those unused for 90 days or more',
  disabledReason: 'Reason for disabling', disabledDone: '{name} is disabled: its tokens are refused from the next request.', enabledDone: '{name} is enabled again.',
  newSecret: 'New second-factor secret of {name} (shown once): {secret}', newSecretHelp: 'Have the person add it to their authenticator app. It is not shown again.',
  createAccount: 'Create an account', password: 'Initial password', passwordHelp: 'At least 12 characters; the person changes it after signing in.', patientIdLabel: 'Patient ID (patient accounts only)',
  create: 'Create', created: '{name} is created.', clientId: 'Client ID', scopes: 'Scopes', roleLabel: 'Role',
  resource: 'Kind of data', 'action.c': 'create', 'action.r': 'read', 'action.u': 'update', 'action.d': 'delete', 'action.s': 'search', noGrant: '—',
  policyHelp: 'What each job type may do with each kind of data. Staff of medical institutions and pharmacies also need the patient\'s consent.', consentCategoryLabel: 'Consent category', opens: 'Opens',
  notClinicalLabel: 'Basic data consent does not bind',
  agent: 'Who (account or client ID)', patientRef: 'Patient (Patient/ID)', since: 'From', until: 'Until', outcomeLabel: 'Outcome',
  'outcome.any': 'Any', 'outcome.success': 'Success', 'outcome.failure': 'Refused or failed', emergencyOnly: 'Emergency access only', searchAudit: 'Search',
  recordedAt: 'When', interaction: 'Interaction', patientCol: 'Patient', status: 'Status', nextPage: 'Next 50', noRows: 'No matching records.',
  verify: 'Verify the hash chain', verifyOk: 'No tampering found: {detail}', verifyBroken: 'Possible tampering: {detail}',
  emergencyMark: 'Emergency', reason: 'Reason', acknowledge: 'Acknowledge', acknowledged: 'The alert is acknowledged.', noAlerts: 'No open alerts.',
  adminFailed: 'This could not be done',
};

export const adminTexts = { ja, en };
