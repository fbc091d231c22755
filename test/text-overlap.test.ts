import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareText,
  extractDates,
  extractMoney,
  extractNumbers,
  normaliseText,
  tokenF1,
} from '../src/core/text-overlap.js';

describe('normaliseText', () => {
  it.each([
    ['The Refund, is DONE!', 'refund is done'],
    ['An order of 1,200 items.', 'order of 1200 items'],
    ['Price: 12.50 — café', 'price 12.50 cafe'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });
});

describe('tokenF1', () => {
  it.each([
    ['refund of 30 dollars', 'refund of 30 dollars', 1],
    ['The refund is 30 dollars', 'refund of 30 dollars', 0.75],
    ['nothing in common', 'refund issued', 0],
    ['', '', 1],
    ['', 'refund', 0],
  ])('%j vs %j → %d', (answer, reference, f1) => {
    expect(tokenF1(answer, reference).f1).toBeCloseTo(f1, 6);
  });

  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const x = tokenF1(a, b).f1;
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
        expect(tokenF1(b, a).f1).toBeCloseTo(x, 9);
      }),
    );
  });
});

describe('extractMoney', () => {
  it.each([
    ['It costs $12.50 today', ['USD 12.50']],
    ['€30 or £5', ['EUR 30.00', 'GBP 5.00']],
    ['a fee of 30 dollars', ['USD 30.00']],
    ['USD 1,200 total', ['USD 1200.00']],
    ['pay 19.99 EUR', ['EUR 19.99']],
    ['no amounts, just 42 apples', []],
  ])('%j → %j', (text, expected) => {
    expect(extractMoney(text)).toEqual(expected);
  });
});

describe('extractDates', () => {
  it.each([
    ['due 2024-03-05', ['2024-03-05']],
    ['on 3/5/2024', ['2024-03-05']],
    ['by March 5, 2024', ['2024-03-05']],
    ['the 5th of March 2024', ['2024-03-05']],
    ['arrives Mar 5', ['--03-05']],
    ['on 31 December', ['--12-31']],
    ['in may we shipped 3 items', []],
  ])('%j → %j', (text, expected) => {
    expect(extractDates(text)).toEqual(expected);
  });
});

describe('extractNumbers', () => {
  it.each([
    ['order 12345 has 3 items', ['12345', '3']],
    ['1,200 units, 15% off', ['1200', '15%']],
    ['$30 refund on 2024-03-05 for 2 items', ['2']],
    ['version A123 is code, 4.50 is not', ['4.5']],
  ])('%j → %j', (text, expected) => {
    expect(extractNumbers(text)).toEqual(expected);
  });
});

describe('compareText', () => {
  it('matches the values a reference states, whatever their spelling', () => {
    const r = compareText('Your refund of $30 arrives on March 5.', 'A $30.00 refund, by 3/5/2025');
    expect(r.money.match).toBe(true);
    expect(r.dates.match).toBe(true);
    expect(r.valuesMatch).toBe(true);
  });

  it('reports missing and extra values', () => {
    const r = compareText('Refund of $25 within 7 days', 'Refund of $30 within 14 days');
    expect(r.money).toMatchObject({ missing: ['USD 30.00'], extra: ['USD 25.00'], match: false });
    expect(r.numbers).toMatchObject({ missing: ['14'], extra: ['7'], match: false });
    expect(r.dates.match).toBeNull();
    expect(r.valuesMatch).toBe(false);
  });

  it('is null when the reference states no values', () => {
    expect(compareText('Sure, I can help.', 'Offer help politely.').valuesMatch).toBeNull();
  });
});
