// Texts every app shares: the frame, dates, people, errors. Each app adds its own (staff/texts.ts,
// portal/texts.ts); the English dictionary must name every Japanese key (checked by the compiler).

const ja = {
  brand: '架け橋', brandSub: '全国医療情報プラットフォーム', skipToContent: '本文へ移動', menu: 'メニュー',
  signIn: 'ログイン', logout: 'ログアウト', signInAgain: 'もう一度ログイン', switchLanguage: 'English',
  lockedTitle: '画面をロックしました', lockedHelp: 'しばらく操作がなかったため、画面を隠しました。入力中の内容は残っています。続けるにはもう一度ログインしてください。',
  unlock: 'ログインして再開',
  signedOut: 'ログアウトしました。', sessionExpired: 'ログインの有効期限が切れたか、ログアウトされました。もう一度ログインしてください。',
  signInFailed: 'ログインできませんでした。もう一度お試しください。', loading: '読み込み中…',
  'gender.male': '男', 'gender.female': '女', 'gender.other': 'その他', 'gender.unknown': '不明',
  age: '{n}歳', copayRatio: '{n}割', none: 'なし', count: '{n}件', noEntries: '記録はありません。',
  dateHint: '例：1965-04-12、19650412、S40.4.12、昭和40年4月12日',
  'date.empty': '{field}を入力してください。',
  'date.format': '{field}は 1965-04-12、19650412 または和暦（S40.4.12、昭和40年4月12日）で入力してください。',
  'date.invalid': '{field}に存在しない日付が入力されています。',
  'date.era': '{field}の元号と年が合いません（例：平成は31年4月30日まで）。',
  errorTitle: 'エラー', 'error.forbidden': 'この操作を行う権限がありません。',
  'error.unauthorized': 'ログインの有効期限が切れました。もう一度ログインしてください。',
  'error.network': 'サーバーに接続できませんでした。ネットワークを確認して、もう一度お試しください。',
  'error.notFound': '見つかりません。', 'error.conflict': 'ほかの操作と重なりました。画面を更新してやり直してください。',
  'error.invalid': '入力内容に誤りがあります。', 'error.other': 'エラーが発生しました。時間をおいてもう一度お試しください。',
  serverSaid: 'サーバーの応答',
  'role.doctor': '医師', 'role.dentist': '歯科医師', 'role.pharmacist': '薬剤師', 'role.nurse': '看護師',
  'role.clerk': '事務（受付）', 'role.patient': '本人', 'role.security-admin': 'セキュリティ管理者', 'role.system': 'システム',
  'role.insurer-staff': '保険者職員', 'role.municipal-staff': '自治体職員', 'role.researcher': '研究者',
};

const en: Record<keyof typeof ja, string> = {
  brand: 'Kakehashi', brandSub: 'National Medical Information Platform', skipToContent: 'Skip to content', menu: 'Menu',
  signIn: 'Sign in', logout: 'Sign out', signInAgain: 'Sign in again', switchLanguage: '日本語',
  lockedTitle: 'The screen is locked', lockedHelp: 'Nothing happened for a while, so the screen was hidden. What you typed is kept. Sign in again to go on.',
  unlock: 'Sign in to continue',
  signedOut: 'You have signed out.', sessionExpired: 'Your sign-in has expired or was ended. Please sign in again.',
  signInFailed: 'The sign-in did not complete. Please try again.', loading: 'Loading…',
  'gender.male': 'Male', 'gender.female': 'Female', 'gender.other': 'Other', 'gender.unknown': 'Unknown',
  age: '{n} years', copayRatio: '{n}0%', none: 'None', count: 'Records: {n}', noEntries: 'No records.',
  dateHint: 'e.g. 1965-04-12, 19650412, S40.4.12',
  'date.empty': 'Enter the {field}.',
  'date.format': 'Enter the {field} as 1965-04-12, 19650412 or in the Japanese era (S40.4.12).',
  'date.invalid': 'The {field} is not a real date.',
  'date.era': 'The era and year of the {field} do not match (Heisei ended on 30 April 2019, for example).',
  errorTitle: 'Error', 'error.forbidden': 'You are not allowed to do this.',
  'error.unauthorized': 'Your sign-in has expired. Please sign in again.',
  'error.network': 'The server could not be reached. Check the network and try again.',
  'error.notFound': 'Not found.', 'error.conflict': 'This clashed with another change. Reload and try again.',
  'error.invalid': 'Something in the input is not right.', 'error.other': 'Something went wrong. Please try again later.',
  serverSaid: 'Server message',
  'role.doctor': 'doctor', 'role.dentist': 'dentist', 'role.pharmacist': 'pharmacist', 'role.nurse': 'nurse',
  'role.clerk': 'reception clerk', 'role.patient': 'patient', 'role.security-admin': 'security administrator', 'role.system': 'system',
  'role.insurer-staff': 'insurer staff', 'role.municipal-staff': 'municipal staff', 'role.researcher': 'researcher',
};

export const commonTexts = { ja, en };

// The history views (薬剤情報, 特定健診, 診療・手術情報) that staff and patients both open.
const historyJa = {
  tabMedication: '薬剤情報', tabCheckup: '特定健診', tabTreatment: '診療・手術情報', date: '日付', medication: '薬剤', quantity: '数量',
  institution: '医療機関・薬局', source: '出典', 'source.claim': 'レセプト', 'source.dispensing': '調剤結果', 'source.checkup': '健診結果',
  dosage: '用法', procedure: '診療行為', kind: '区分', 'kind.surgery': '手術', 'kind.transplant': '移植', 'kind.dialysis': '人工透析',
  item: '検査項目', note: 'お知らせ', surgeryNote: '手術情報の同意がないため、手術・移植の情報は含まれていません。', period: '期間', 'period.all': 'すべて',
  'period.3': '直近3か月', 'period.6': '直近6か月', 'period.12': '直近1年', daysSupply: '日数', days: '{n}日分',
  referenceRange: '基準範囲', rangeLow: '基準下限', rangeHigh: '基準上限',
};

const historyEn: Record<keyof typeof historyJa, string> = {
  tabMedication: 'Medication', tabCheckup: 'Health checkups', tabTreatment: 'Treatment and surgery', date: 'Date',
  medication: 'Medication', quantity: 'Quantity', institution: 'Institution / pharmacy', source: 'Source',
  'source.claim': 'Claim', 'source.dispensing': 'Dispensing', 'source.checkup': 'Checkup', dosage: 'Dosage',
  procedure: 'Procedure', kind: 'Kind', 'kind.surgery': 'Surgery', 'kind.transplant': 'Transplant',
  'kind.dialysis': 'Dialysis', item: 'Item', note: 'Note',
  surgeryNote: 'Without consent for surgery information, surgery and transplants are left out.', period: 'Period',
  'period.all': 'All', 'period.3': 'Last 3 months', 'period.6': 'Last 6 months', 'period.12': 'Last year',
  daysSupply: 'Days', days: '{n} days',
  referenceRange: 'Reference range', rangeLow: 'Lower limit', rangeHigh: 'Upper limit',
};

export const historyTexts = { ja: historyJa, en: historyEn };
