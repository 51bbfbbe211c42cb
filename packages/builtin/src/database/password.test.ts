import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roleAllowed } from './allowed-roles.js';
import { defaultPassword } from './password.js';

describe('database passwords', () => {
  it('have Vault\'s default shape: "A1a-" and 20 letters and digits, with at least one of each', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = defaultPassword();
      assert.match(pw, /^A1a-[A-Za-z0-9]{20}$/);
      assert.match(pw.slice(4), /[A-Za-z]/);
      assert.match(pw.slice(4), /[0-9]/);
      seen.add(pw);
    }
    assert.equal(seen.size, 200);
  });
});

describe('allowed_roles', () => {
  it('matches names, "*" and globs; an empty list allows nothing', () => {
    assert.equal(roleAllowed([], 'ro'), false);
    assert.equal(roleAllowed(['ro'], 'ro'), true);
    assert.equal(roleAllowed(['ro'], 'rw'), false);
    assert.equal(roleAllowed(['*'], 'anything'), true);
    assert.equal(roleAllowed(['svc-*'], 'svc-billing'), true);
    assert.equal(roleAllowed(['svc-*'], 'app-svc-billing'), false);
    assert.equal(roleAllowed(['*-ro'], 'app-ro'), true);
    assert.equal(roleAllowed(['a*b*c'], 'aXbYc'), true);
    assert.equal(roleAllowed(['a*b*c'], 'aXcYb'), false);
    assert.equal(roleAllowed(['ab*ba'], 'aba'), false);
  });
});
