// Texts of the UI: Japanese first, English as the alternative. The choice is kept in localStorage.
const texts = {
  ja: {
    title: '架け橋', brand: '架け橋', brandSub: '全国医療情報プラットフォーム', skipToContent: '本文へ移動', menu: 'メニュー',
    navEligibility: '資格確認', navHistory: '薬剤・健診・診療情報',
    signInTitle: '職員ログイン', signIn: 'ログイン', logout: 'ログアウト',
    signInHelp: '受付・診療スタッフ用の画面です。ユーザー名、パスワードと認証アプリの確認コードでログインします。',
    signedOut: 'ログアウトしました。', sessionExpired: 'ログインの有効期限が切れました。もう一度ログインしてください。',
    signInFailed: 'ログインできませんでした。もう一度お試しください。',
    switchLanguage: 'English',
    eligibilityTitle: '資格確認（保険証情報）', cardLegend: '保険証の記載事項',
    insurerNumber: '保険者番号', insurerNumberHelp: '8桁（国保は6桁）', symbol: '記号', number: '番号', branch: '枝番',
    branchHelp: '2桁（例：01）', birthDate: '生年月日', visitDate: '受診日', check: '資格を確認する', checking: '確認中…',
    status: '資格の状態', 'status.valid': '有効', 'status.expired': '失効', 'status.not-yet-valid': '未到来',
    'status.not-found': '該当なし', 'status.ambiguous': '複数該当',
    'statusHelp.valid': '受診日に有効な資格があります。', 'statusHelp.expired': '資格は受診日より前に終了しています。',
    'statusHelp.not-yet-valid': '資格は受診日より後に始まります。', 'statusHelp.not-found': 'この保険証情報に該当する資格はありません。',
    'statusHelp.ambiguous': '複数の資格が該当します（{n}件）。枝番を含めて入力してください。',
    asOf: '{date}時点', patient: '患者', name: '氏名', gender: '性別', 'gender.male': '男', 'gender.female': '女',
    'gender.other': 'その他', 'gender.unknown': '不明', qualification: '資格情報', insurer: '保険者',
    insuredNumber: '記号・番号・枝番', relationship: '本人・家族', 'relationship.1': '被保険者（本人）',
    'relationship.2': '被扶養者（家族）', validFrom: '資格取得日', validUntil: '資格終了日', copay: '負担割合',
    copayRatio: '{n}割', limitCategory: '限度額適用区分', limitNotShown: '表示には患者さんの同意（限度額適用認定証）が必要です',
    specificDiseases: '特定疾病', publicExpenses: '公費', payerNumber: '公費負担者番号', recipientNumber: '受給者番号',
    none: 'なし', openHistory: 'この患者さんの薬剤・健診・診療情報を見る', consentRecorded: '同意を記録しました',
    errorTitle: '確認できませんでした', serverSaid: 'サーバーの応答',
    'error.checkDigit': '{field}の検証番号（チェックデジット）が正しくありません。保険証の番号をもう一度確認してください。',
    'error.insurerLength': '保険者番号は8桁（市町村国保・国保組合は6桁）の数字で入力してください。',
    'error.leadingZero': '枝番は先頭の0を付けた2桁で入力してください（例：01）。',
    'error.branchDigits': '枝番は2桁の数字で入力してください（例：00、01）。',
    'error.unknownInsurer': 'この保険者番号はプラットフォームに登録されていません。',
    'error.birthMismatch': '生年月日が一致しません（生年月日不一致）。',
    'error.myNumber': 'マイナンバー（個人番号）は入力できません。',
    'error.needInsurer': '保険者番号を入力してください。', 'error.needNumber': '番号を入力してください。',
    'error.needBirthDate': '生年月日を入力してください。', 'error.futureBirth': '生年月日が未来の日付です。',
    'error.date': '日付の形式が正しくありません。',
    'error.forbidden': 'この操作を行う権限がありません。', 'error.unauthorized': 'ログインの有効期限が切れました。もう一度ログインしてください。',
    'error.network': 'サーバーに接続できませんでした。', 'error.other': 'エラーが発生しました。',
    historyTitle: '薬剤・健診・診療情報（同意に基づく閲覧）', patientId: '患者ID', open: '表示',
    tabMedication: '薬剤情報', tabCheckup: '特定健診', tabTreatment: '診療・手術情報', loading: '読み込み中…',
    noConsent: '同意がありません', 'noConsent.medication-history': '患者さんの同意がないため、薬剤情報を表示できません。',
    'noConsent.checkup-history': '患者さんの同意がないため、特定健診情報を表示できません。',
    'noConsent.treatment-history': '患者さんの同意がないため、診療・手術情報を表示できません。',
    noConsentHelp: '受付のカードリーダーで、患者さんに情報提供への同意をいただいてください。',
    notAllowed: 'この職種ではこの情報を閲覧できません。', noEntries: '記録はありません。',
    count: '{n}件', date: '日付', medication: '薬剤', quantity: '数量', institution: '医療機関・薬局', source: '出典',
    'source.claim': 'レセプト', 'source.dispensing': '調剤結果', 'source.checkup': '健診結果', dosage: '用法',
    procedure: '診療行為', kind: '区分', 'kind.surgery': '手術', 'kind.transplant': '移植', 'kind.dialysis': '人工透析',
    item: '検査項目', checkupDate: '健診日', unit: '単位', note: 'お知らせ',
    surgeryNote: '手術情報の同意がないため、手術・移植の情報は含まれていません。',
    patientNotFound: '患者が見つかりません。', birth: '生年月日',
  },
  en: {
    title: 'Kakehashi', brand: 'Kakehashi', brandSub: 'National Medical Information Platform', skipToContent: 'Skip to content', menu: 'Menu',
    navEligibility: 'Eligibility', navHistory: 'Medication, checkups, treatment',
    signInTitle: 'Staff sign-in', signIn: 'Sign in', logout: 'Sign out',
    signInHelp: 'For reception and clinical staff. Sign in with your username, password and the code of your authenticator app.',
    signedOut: 'You have signed out.', sessionExpired: 'Your sign-in has expired. Please sign in again.',
    signInFailed: 'The sign-in did not complete. Please try again.',
    switchLanguage: '日本語',
    eligibilityTitle: 'Eligibility check (insurance card)', cardLegend: 'As printed on the insurance card',
    insurerNumber: 'Insurer number', insurerNumberHelp: '8 digits (6 for National Health Insurance)', symbol: 'Symbol',
    number: 'Number', branch: 'Branch', branchHelp: 'two digits (e.g. 01)', birthDate: 'Date of birth', visitDate: 'Visit date',
    check: 'Check eligibility', checking: 'Checking…',
    status: 'Status', 'status.valid': 'Valid', 'status.expired': 'Expired', 'status.not-yet-valid': 'Not yet valid',
    'status.not-found': 'Not found', 'status.ambiguous': 'Ambiguous',
    'statusHelp.valid': 'A qualification covers the visit date.', 'statusHelp.expired': 'The qualification ended before the visit date.',
    'statusHelp.not-yet-valid': 'The qualification starts after the visit date.', 'statusHelp.not-found': 'No qualification matches this card.',
    'statusHelp.ambiguous': 'Several qualifications match ({n}). Enter the branch number too.',
    asOf: 'as of {date}', patient: 'Patient', name: 'Name', gender: 'Sex', 'gender.male': 'Male', 'gender.female': 'Female',
    'gender.other': 'Other', 'gender.unknown': 'Unknown', qualification: 'Qualification', insurer: 'Insurer',
    insuredNumber: 'Symbol · number · branch', relationship: 'Insured / dependant', 'relationship.1': 'Insured person',
    'relationship.2': 'Dependant', validFrom: 'Valid from', validUntil: 'Valid until', copay: 'Copayment',
    copayRatio: '{p}%', limitCategory: 'Limit category', limitNotShown: 'Shown only with the patient\'s consent (limit certificate)',
    specificDiseases: 'Specific diseases', publicExpenses: 'Public expenses', payerNumber: 'Payer number',
    recipientNumber: 'Recipient number', none: 'None', openHistory: 'Open this patient\'s medication, checkups and treatment',
    consentRecorded: 'Consent recorded', errorTitle: 'The check could not be made', serverSaid: 'Server message',
    'error.forbidden': 'You are not allowed to do this.', 'error.unauthorized': 'Your sign-in has expired. Please sign in again.',
    'error.network': 'The server could not be reached.', 'error.other': 'Something went wrong.',
    historyTitle: 'Medication, checkups and treatment (with consent)', patientId: 'Patient ID', open: 'Open',
    tabMedication: 'Medication', tabCheckup: 'Health checkups', tabTreatment: 'Treatment and surgery', loading: 'Loading…',
    noConsent: 'No consent', 'noConsent.medication-history': 'Without the patient\'s consent the medication history cannot be shown.',
    'noConsent.checkup-history': 'Without the patient\'s consent the checkup results cannot be shown.',
    'noConsent.treatment-history': 'Without the patient\'s consent the treatment history cannot be shown.',
    noConsentHelp: 'Ask the patient for consent at the reception\'s card reader.',
    notAllowed: 'Your job type may not view this information.', noEntries: 'No records.',
    count: 'Records: {n}', date: 'Date', medication: 'Medication', quantity: 'Quantity', institution: 'Institution / pharmacy',
    source: 'Source', 'source.claim': 'Claim', 'source.dispensing': 'Dispensing', 'source.checkup': 'Checkup', dosage: 'Dosage',
    procedure: 'Procedure', kind: 'Kind', 'kind.surgery': 'Surgery', 'kind.transplant': 'Transplant', 'kind.dialysis': 'Dialysis',
    item: 'Item', checkupDate: 'Checkup date', unit: 'Unit', note: 'Note',
    surgeryNote: 'Without consent for surgery information, surgery and transplants are left out.',
    patientNotFound: 'Patient not found.', birth: 'Date of birth',
  },
};

const storageKey = 'kakehashi.lang';

export function language() {
  const chosen = localStorage.getItem(storageKey);
  return chosen === 'en' ? 'en' : 'ja';
}

export function setLanguage(lang) {
  localStorage.setItem(storageKey, lang === 'en' ? 'en' : 'ja');
}

/** The text for a key in the current language, with {name} placeholders filled in. */
export function t(key, values = {}) {
  const lang = language();
  const text = texts[lang][key] ?? texts.ja[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** Whether the current language has its own text for a key (English falls back to the server's message for errors). */
export function has(key) {
  return key in texts[language()];
}

/** Sets the static texts of the page (data-i18n, data-i18n-aria). */
export function applyTexts(root = document) {
  document.documentElement.lang = language();
  document.title = t('title');
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const element of root.querySelectorAll('[data-i18n-aria]')) {
    element.setAttribute('aria-label', t(element.dataset.i18nAria));
  }
}
