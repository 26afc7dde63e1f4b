import assert from 'node:assert/strict';
import { test } from 'node:test';
import { branchProblem, checkDigit, halfWidth, insurerNumberProblem, looksLikeMyNumber } from '../lib/insurance';

test('full-width insurer numbers are read as half-width', () => {
  assert.equal(halfWidth('０６１３９９９２'), '06139992');
  assert.equal(halfWidth(' 0613 9992 '), '06139992');
});

test('insurer numbers: 6 or 8 digits with the modulus-10 check digit', () => {
  const body = '0613999';
  const valid = body + checkDigit(body);
  assert.equal(insurerNumberProblem(valid), null);
  assert.equal(insurerNumberProblem(body + ((checkDigit(body) + 1) % 10)), 'checkDigit');
  assert.equal(insurerNumberProblem('1234567'), 'length');
  assert.equal(insurerNumberProblem('０６１３９９９２'), 'length', 'half-width conversion is the caller’s step');
  assert.equal(insurerNumberProblem(''), 'empty');
  assert.equal(insurerNumberProblem('13810' + checkDigit('13810')), null);
});

test('branch numbers keep their leading zero', () => {
  assert.equal(branchProblem('01'), null);
  assert.equal(branchProblem(''), null);
  assert.equal(branchProblem('1'), 'leadingZero');
  assert.equal(branchProblem('001'), 'digits');
});

test('a My Number is recognised by its check digit, with or without separators', () => {
  // 123456789018: the last digit is the 個人番号 check digit of the first eleven.
  assert.equal(looksLikeMyNumber('123456789018'), true);
  assert.equal(looksLikeMyNumber('1234-5678-9018'), true);
  assert.equal(looksLikeMyNumber('１２３４５６７８９０１８'), true);
  assert.equal(looksLikeMyNumber('123456789017'), false);
  assert.equal(looksLikeMyNumber('12345678'), false);
});
