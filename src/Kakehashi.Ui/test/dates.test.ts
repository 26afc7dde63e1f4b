import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageOn, japaneseEra, parseDateInput, todayInJapan } from '../lib/dates';

const iso = (text: string) => {
  const parsed = parseDateInput(text);
  return 'iso' in parsed ? parsed.iso : parsed.problem;
};

test('西暦 in the ways reception types it', () => {
  for (const text of ['1965-04-12', '1965/4/12', '1965.04.12', '19650412', '1965年4月12日', '１９６５０４１２', ' 1965-04-12 ']) {
    assert.equal(iso(text), '1965-04-12', text);
  }
});

test('和暦 by initial, by name, with 元年, and the レセ電 era number', () => {
  for (const text of ['S40.4.12', 's40/04/12', 'S400412', 'Ｓ４０．４．１２', '昭和40年4月12日', '3400412']) {
    assert.equal(iso(text), '1965-04-12', text);
  }
  assert.equal(iso('令和元年5月1日'), '2019-05-01');
  assert.equal(iso('H1.1.8'), '1989-01-08');
  assert.equal(iso('R8.11.25'), '2026-11-25');
});

test('a date outside its era, an impossible day or an unknown shape is refused with the reason', () => {
  assert.equal(iso('H31.5.1'), 'era');
  assert.equal(iso('S64.1.8'), 'era');
  assert.equal(iso('R0.1.1'), 'era');
  assert.equal(iso('1965-02-30'), 'invalid');
  assert.equal(iso('19650230'), 'invalid');
  assert.equal(iso('50412'), 'format');
  assert.equal(iso('12/04/1965'), 'format');
  assert.equal(iso(''), 'empty');
});

test('the era of a day, its first year as 元年', () => {
  assert.deepEqual(japaneseEra('2019-04-30')?.era.ja, '平成');
  assert.deepEqual(japaneseEra('2019-05-01')?.year, 1);
  assert.equal(japaneseEra('1872-12-31'), null);
});

test('age in full years and today in Japan whatever the time zone', () => {
  assert.equal(ageOn('1980-04-01', '2026-03-31'), 45);
  assert.equal(ageOn('1980-04-01', '2026-04-01'), 46);
  // 2026-12-06 20:00 UTC is already the 7th in Japan.
  assert.equal(todayInJapan(Date.UTC(2026, 11, 6, 20, 0)), '2026-12-07');
});
