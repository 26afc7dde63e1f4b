// The numbers on insurance cards, checked in the browser before anything is sent: the same
// rules as the server's InsuranceNumbers (modulus 10, weights 2 and 1 from the right).

/** Full-width digits and letters become half-width (０６１３ → 0613); spaces go. */
export function halfWidth(value: string): string {
  return value.normalize('NFKC').replace(/\s+/g, '');
}

export function checkDigit(body: string): number {
  let sum = 0;
  let weightTwo = true;
  for (let i = body.length - 1; i >= 0; i--) {
    let d = body.charCodeAt(i) - 48;
    if (weightTwo) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    weightTwo = !weightTwo;
  }
  return (10 - (sum % 10)) % 10;
}

export type InsurerProblem = 'empty' | 'length' | 'checkDigit';

/** Why a (half-width) insurer number is wrong: 8 digits, or 6 for 市町村国保 and 国保組合, with its check digit. */
export function insurerNumberProblem(value: string): InsurerProblem | null {
  if (!value) return 'empty';
  if (!/^(\d{6}|\d{8})$/.test(value)) return 'length';
  return checkDigit(value.slice(0, -1)) === Number(value.at(-1)) ? null : 'checkDigit';
}

export type BranchProblem = 'leadingZero' | 'digits';

/** Why a (half-width) 枝番 is wrong: two digits, leading zero kept. Empty is allowed (older cards). */
export function branchProblem(value: string): BranchProblem | null {
  if (!value || /^\d{2}$/.test(value)) return null;
  return /^\d$/.test(value) ? 'leadingZero' : 'digits';
}

/** True when the text is a My Number (12 digits whose last is its check digit): never sent, never stored. */
export function looksLikeMyNumber(value: string): boolean {
  const digits = halfWidth(value).replace(/-/g, '');
  if (!/^\d{12}$/.test(digits)) return false;
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = Number(digits[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const remainder = sum % 11;
  const expected = remainder <= 1 ? 0 : 11 - remainder;
  return expected === Number(digits[11]);
}
