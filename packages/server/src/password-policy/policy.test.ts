import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '@coffer/sdk';
import { generateFromPolicy, parsePasswordPolicy } from './policy.js';

const POLICY = `
length = 24
rule "charset" {
  charset = "abcdefghijklmnopqrstuvwxyz"
  min-chars = 1
}
rule "charset" {
  charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  min-chars = 2
}
rule "charset" {
  charset = "0123456789"
  min-chars = 3
}
rule "charset" {
  charset = "!@#"
  min-chars = 4
}`;

describe('password policies', () => {
  it('generates passwords of the length, from the charsets, meeting every min-chars', () => {
    const policy = parsePasswordPolicy(POLICY);
    for (let i = 0; i < 200; i++) {
      const pw = generateFromPolicy(policy);
      assert.equal(pw.length, 24);
      assert.match(pw, /^[a-zA-Z0-9!@#]+$/);
      assert.ok((pw.match(/[a-z]/g) ?? []).length >= 1);
      assert.ok((pw.match(/[A-Z]/g) ?? []).length >= 2);
      assert.ok((pw.match(/[0-9]/g) ?? []).length >= 3);
      assert.ok((pw.match(/[!@#]/g) ?? []).length >= 4);
    }
  });

  it('draws characters uniformly (no modulo bias) and places guaranteed ones anywhere', () => {
    // 3 characters: a modulo-biased byte draw (256 % 3 = 1) would favour "a" by ~1%; the chi-square test below sees far less.
    const policy = parsePasswordPolicy('length = 64\nrule "charset" {\n charset = "abc"\n min-chars = 0\n}');
    const counts = { a: 0, b: 0, c: 0 } as Record<string, number>;
    for (let i = 0; i < 2000; i++) for (const ch of generateFromPolicy(policy)) counts[ch]!++;
    const n = 2000 * 64;
    const chi = Object.values(counts).reduce((sum, c) => sum + (c - n / 3) ** 2 / (n / 3), 0);
    assert.ok(chi < 13.8, `chi-square ${chi.toFixed(2)} (2 degrees of freedom, p = 0.001)`);
    const firstDigit = parsePasswordPolicy('length = 8\nrule "charset" {\n charset = "ab"\n}\nrule "charset" {\n charset = "9"\n min-chars = 1\n}');
    const positions = new Set<number>();
    for (let i = 0; i < 300; i++) positions.add(generateFromPolicy(firstDigit).indexOf('9'));
    assert.ok(positions.size >= 6, 'the guaranteed digit is shuffled into many positions');
  });

  it('refuses bad policies with the reason', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['length = 20', /at least one rule "charset"/],
      ['length = 2\nrule "charset" {\n charset = "ab"\n}', /length must be between 4/],
      ['length = "x"\nrule "charset" {\n charset = "ab"\n}', /length must be an integer/],
      ['length = 5\nrule "charset" {\n charset = "ab"\n min-chars = 6\n}', /need at least 6 characters, more than length 5/],
      ['length = 8\nrule "charset" {\n charset = ""\n}', /non-empty charset/],
      ['length = 8\nrule "nosuch" {\n charset = "ab"\n}', /unknown rule type "nosuch"/],
      ['length = 8\nrule "charset" {\n charset = "ab"\n min_chars = 1\n}', /unknown field "min_chars"/],
      ['length = 8\nrule "charset" {', /unable to parse/],
    ];
    for (const [text, reason] of cases) {
      assert.throws(() => parsePasswordPolicy(text), (err: unknown) => isCofferError(err) && err.code === 'invalid_request' && reason.test(err.message), text);
    }
  });
});
