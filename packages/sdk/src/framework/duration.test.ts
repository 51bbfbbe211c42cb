import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../errors.js';
import { formatDuration, parseDuration, parseDurationExact } from './duration.js';

describe('parseDuration', () => {
  const cases: Array<[unknown, number]> = [
    [30, 30],
    ['30', 30],
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1h30m15s', 5415],
    ['1.5h', 5400],
    ['2d', 172_800],
    ['768h', 2_764_800],
    ['0', 0],
    ['', 0],
    [null, 0],
    [undefined, 0],
    ['250ms', 0],
    ['1500ms', 1],
    [' 45s ', 45],
    ['-5s', -5],
    ['+5s', 5],
    [12.9, 12],
    ['.5m', 30],
    ['5.m', 300],
  ];
  for (const [input, want] of cases) {
    it(`parses ${JSON.stringify(input)} as ${want}s`, () => {
      assert.equal(parseDuration(input), want);
    });
  }

  it('keeps fractions with parseDurationExact', () => {
    assert.equal(parseDurationExact('250ms'), 0.25);
    assert.equal(parseDurationExact('1µs'), 1e-6);
  });

  for (const bad of ['abc', '5x', '1d2h', 'h', '.s', '1.5d', '--5s', true, {}, [], Number.NaN, '5 m']) {
    it(`refuses ${JSON.stringify(bad)} with invalid_request`, () => {
      assert.throws(
        () => parseDuration(bad),
        (err: unknown) => isCofferError(err) && err.code === 'invalid_request' && /duration/.test(err.message),
      );
    });
  }
});

describe('formatDuration', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [45, '45s'],
    [60, '1m0s'],
    [90, '1m30s'],
    [3600, '1h0m0s'],
    [5415, '1h30m15s'],
    [2_764_800, '768h0m0s'],
    [1.5, '1.5s'],
    [0.25, '250ms'],
    [0.0000015, '1.5µs'],
    [-90, '-1m30s'],
  ];
  for (const [input, want] of cases) {
    it(`formats ${input} as ${want}`, () => {
      assert.equal(formatDuration(input), want);
    });
  }

  it('round-trips through parseDuration', () => {
    for (const seconds of [0, 1, 59, 61, 3599, 3601, 86_400, 31_536_000]) {
      assert.equal(parseDuration(formatDuration(seconds)), seconds);
    }
  });
});
