import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../errors.js';
import { UsernameTemplate } from './username-template.js';

const data = { DisplayName: 'token-alice-long-display', RoleName: 'readonly-role' };

describe('username templates', () => {
  it('renders Vault\'s default database template shape', () => {
    const t = UsernameTemplate.parse('{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}');
    const out = t.render(data);
    assert.match(out, /^v-token-al-readonly-[A-Za-z0-9]{20}-\d{10}$/);
  });

  it('supports case, replace, sha256 truncation and literal text', () => {
    assert.equal(UsernameTemplate.parse('x_{{ .RoleName | uppercase | replace "-" "_" }}').render(data), 'x_READONLY_ROLE');
    const long = UsernameTemplate.parse('{{ .DisplayName | truncate_sha256 12 }}').render(data);
    assert.equal(long.length, 12);
    assert.ok(long.startsWith('toke'));
  });

  it('refuses unknown functions, unknown fields and broken syntax with the reason', () => {
    for (const [source, reason] of [
      ['{{ nosuch .RoleName }}', /function "nosuch" not defined/],
      ['{{ .RoleName ', /unclosed action/],
      ['{{ printf "%s" (.RoleName }}', /unclosed "\("/],
    ] as const) {
      assert.throws(() => UsernameTemplate.parse(source), (err: unknown) => isCofferError(err) && err.code === 'invalid_request' && reason.test(err.message));
    }
    assert.throws(() => UsernameTemplate.parse('{{ .Nope }}').render(data), /unknown field \.Nope/);
  });
});
