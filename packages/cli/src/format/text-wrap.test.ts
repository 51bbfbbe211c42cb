import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wrapAtLength } from './text-wrap.js';

describe('wrapAtLength', () => {
  it('balances lines the way Vault prints its login message', () => {
    const text =
      'Success! You are now authenticated. The token information displayed below is already stored in the token helper. You do NOT need to run "vault login" again. Future Vault requests will automatically use this token.';
    assert.equal(
      wrapAtLength(text),
      'Success! You are now authenticated. The token information displayed below\n' +
        'is already stored in the token helper. You do NOT need to run "vault login"\n' +
        'again. Future Vault requests will automatically use this token.',
    );
  });

  it('matches the VAULT_TOKEN warning layout', () => {
    const text =
      'WARNING! The VAULT_TOKEN environment variable is set! The value of this variable will take precedence; if this is unwanted please unset VAULT_TOKEN or update its value accordingly.';
    assert.equal(
      wrapAtLength(text),
      'WARNING! The VAULT_TOKEN environment variable is set! The value of this\n' +
        'variable will take precedence; if this is unwanted please unset VAULT_TOKEN or\n' +
        'update its value accordingly.',
    );
  });

  it('indents every line by the padding', () => {
    const out = wrapAtLength(`* ${'word '.repeat(30).trim()}`, 2);
    for (const line of out.split('\n')) {
      assert.ok(line.startsWith('  '));
      assert.ok(line.length <= 78);
    }
  });

  it('leaves short text alone', () => {
    assert.equal(wrapAtLength('short'), 'short');
  });
});
