// Login MFA with TOTP, as Vault's: a method, a secret per entity, an
// enforcement on an auth mount; a matching login answers an mfa_requirement
// and no token until sys/mfa/validate (or the X-Vault-MFA header) gives a
// good code. Codes are computed by oathtool, an independent RFC 6238 tool.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { skipWithoutTools } from '../support/external-tools.js';

/** oathtool's current code for a base32 secret, `stepsAgo` periods back. */
function totpCode(secret: string, stepsAgo = 0): string {
  const at = Math.floor(Date.now() / 1000) - stepsAgo * 30;
  return execFileSync('oathtool', ['--totp=SHA1', '-d', '6', '-s', '30', '-N', `@${at}`, '-b', secret]).toString().trim();
}

describe('login MFA (TOTP)', { skip: skipWithoutTools(['oathtool'], 'oathtool') }, () => {
  let s: InProcessServer;
  let methodId: string;
  let secret: string;
  let entityId: string;

  const call = (method: string, path: string, body?: unknown, opts: { token?: string; headers?: Record<string, string> } = {}) =>
    s.request(method, path, body, { token: opts.token ?? null, ...(opts.headers ? { headers: opts.headers } : {}) });
  const ok = async (method: string, path: string, body?: unknown, status = 200, token?: string) => {
    const res = await s.request(method, path, body, token === undefined ? {} : { token });
    assert.equal(res.status, status, `${method} ${path}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const login = (mount: string, user: string, headers?: Record<string, string>) => call('POST', `auth/${mount}/login/${user}`, { password: `${user}-pw` }, headers ? { headers } : {});

  before(async () => {
    s = await startInProcessServer();
    await ok('POST', 'sys/auth/userpass', { type: 'userpass' }, 204);
    await ok('POST', 'sys/auth/other', { type: 'userpass' }, 204);
    const accessor = (await ok('GET', 'sys/auth')).data['userpass/'].accessor;
    await ok('PUT', 'sys/policies/acl/reader', { policy: 'path "secret/*" { capabilities = ["read"] }' }, 204);
    for (const mount of ['userpass', 'other']) await ok('POST', `auth/${mount}/users/alice`, { password: 'alice-pw', token_policies: 'reader' }, 204);

    // The entity exists once alice has logged in (before the enforcement).
    entityId = (await login('userpass', 'alice')).body.auth.entity_id;
    methodId = (await ok('POST', 'identity/mfa/method/totp', { issuer: 'Coffer', method_name: 'my-totp' })).data.method_id;
    const generated = await ok('POST', 'identity/mfa/method/totp/admin-generate', { method_id: methodId, entity_id: entityId });
    assert.match(generated.data.url, /^otpauth:\/\/totp\/Coffer:entity_[0-9a-f]{8}\?algorithm=SHA1&digits=6&issuer=Coffer&period=30&secret=[A-Z2-7]{32}$/);
    assert.equal(Buffer.from(generated.data.barcode, 'base64').subarray(1, 4).toString(), 'PNG');
    secret = new URL(generated.data.url).searchParams.get('secret')!;
    await ok('POST', 'identity/mfa/login-enforcement/userpass-mfa', { mfa_method_ids: [methodId], auth_method_accessors: [accessor] }, 204);
  });
  after(async () => {
    await s?.close();
  });

  it('methods and enforcements read back as Vault shows them; the secret is never shown again', async () => {
    const method = (await ok('GET', `identity/mfa/method/totp/${methodId}`)).data;
    assert.deepEqual(
      { issuer: method.issuer, period: method.period, key_size: method.key_size, qr_size: method.qr_size, algorithm: method.algorithm, digits: method.digits, skew: method.skew, max_validation_attempts: method.max_validation_attempts, name: method.name, type: method.type },
      { issuer: 'Coffer', period: 30, key_size: 20, qr_size: 200, algorithm: 'SHA1', digits: 6, skew: 1, max_validation_attempts: 5, name: 'my-totp', type: 'totp' },
    );
    assert.ok(!JSON.stringify(method).includes(secret));
    assert.deepEqual((await ok('LIST', 'identity/mfa/method/totp')).data.keys, [methodId]);
    assert.equal((await ok('LIST', 'identity/mfa/method')).data.key_info[methodId].issuer, 'Coffer');
    const enforcement = (await ok('GET', 'identity/mfa/login-enforcement/userpass-mfa')).data;
    assert.deepEqual(enforcement.mfa_method_ids, [methodId]);
    assert.deepEqual((await ok('LIST', 'identity/mfa/login-enforcement')).data.keys, ['userpass-mfa']);
    // Bad input is a 400 and writes nothing.
    await ok('POST', 'identity/mfa/method/totp', { issuer: 'x', digits: 7 }, 400);
    await ok('POST', 'identity/mfa/login-enforcement/bad', { mfa_method_ids: ['00000000-0000-0000-0000-000000000000'], auth_method_types: ['userpass'] }, 400);
    await ok('POST', 'identity/mfa/login-enforcement/none', { mfa_method_ids: [methodId] }, 400);
    assert.deepEqual((await ok('LIST', 'identity/mfa/login-enforcement')).data.keys, ['userpass-mfa']);
    // A method an enforcement uses cannot be deleted.
    await ok('DELETE', `identity/mfa/method/totp/${methodId}`, undefined, 400);
  });

  it('a login answers an mfa_requirement and no token; sys/mfa/validate with a good code issues the token', async () => {
    const first = await login('userpass', 'alice');
    assert.equal(first.status, 200);
    const auth = first.body.auth;
    assert.equal(auth.client_token, '');
    const requirement = auth.mfa_requirement;
    assert.match(requirement.mfa_request_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(requirement.mfa_constraints, { 'userpass-mfa': { any: [{ type: 'totp', id: methodId, uses_passcode: true, name: '' }] } });

    // A wrong code is refused (403) and the login stays pending.
    const wrong = await call('POST', 'sys/mfa/validate', { mfa_request_id: requirement.mfa_request_id, mfa_payload: { [methodId]: ['000000' === totpCode(secret) ? '111111' : '000000'] } });
    assert.equal(wrong.status, 403, JSON.stringify(wrong.body));
    assert.match(wrong.body.errors[0], /failed to validate TOTP passcode/);

    const code = totpCode(secret);
    const validated = await call('POST', 'sys/mfa/validate', { mfa_request_id: requirement.mfa_request_id, mfa_payload: { [methodId]: [code] } });
    assert.equal(validated.status, 200, JSON.stringify(validated.body));
    const token = validated.body.auth.client_token;
    assert.match(token, /^hvs\./);
    assert.deepEqual(validated.body.auth.token_policies, ['default', 'reader']);
    assert.equal(validated.body.auth.entity_id, entityId);
    assert.equal(validated.body.auth.mfa_requirement, null);
    const self = (await ok('GET', 'auth/token/lookup-self', undefined, 200, token)).data;
    assert.equal(self.path, 'auth/userpass/login/alice');
    assert.equal(self.entity_id, entityId);
    assert.equal(self.display_name, 'userpass-alice');

    // The request id is spent.
    const again = await call('POST', 'sys/mfa/validate', { mfa_request_id: requirement.mfa_request_id, mfa_payload: { [methodId]: [code] } });
    assert.equal(again.status, 400);

    // The same code cannot be used for another login within its window.
    const second = (await login('userpass', 'alice')).body.auth.mfa_requirement;
    const reused = await call('POST', 'sys/mfa/validate', { mfa_request_id: second.mfa_request_id, mfa_payload: { [methodId]: [code] } });
    assert.equal(reused.status, 403);
    assert.match(reused.body.errors[0], /already used/);
  });

  it('the X-Vault-MFA header validates in one step; the method name works as its key', async () => {
    const missing = await login('userpass', 'alice', { 'X-Vault-MFA': `${methodId}:12345x` });
    assert.equal(missing.status, 403);
    // A code of an earlier period (within the skew) that was not used yet.
    const res = await login('userpass', 'alice', { 'X-Vault-MFA': `my-totp:${totpCode(secret, 1)}` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.match(res.body.auth.client_token, /^hvs\./);
    assert.deepEqual(res.body.auth.token_policies, ['default', 'reader']);
  });

  it('a login on a mount the enforcement does not name is not affected', async () => {
    const res = await login('other', 'alice');
    assert.equal(res.status, 200);
    assert.match(res.body.auth.client_token, /^hvs\./);
    assert.equal(res.body.auth.mfa_requirement, null);
  });

  it('wrong codes beyond max_validation_attempts lock the method for the entity', async () => {
    const limited = (await ok('POST', 'identity/mfa/method/totp', { issuer: 'Coffer', max_validation_attempts: 2 })).data.method_id;
    // alice on the other mount is another entity (created by the earlier login there).
    const otherAccessor = (await ok('GET', 'sys/auth')).data['other/'].accessor;
    const otherEntity = (await ok('POST', 'identity/lookup/entity', { alias_name: 'alice', alias_mount_accessor: otherAccessor })).data.id;
    await ok('POST', 'identity/mfa/method/totp/admin-generate', { method_id: limited, entity_id: otherEntity });
    await ok('POST', 'identity/mfa/login-enforcement/other-mfa', { mfa_method_ids: [limited], auth_method_types: ['userpass'], auth_method_accessors: [] }, 204);
    const pending = (await login('other', 'alice')).body.auth.mfa_requirement;
    assert.ok(pending.mfa_constraints['other-mfa']);
    for (let i = 0; i < 2; i++) {
      const r = await call('POST', 'sys/mfa/validate', { mfa_request_id: pending.mfa_request_id, mfa_payload: { [limited]: ['999999x'] } });
      assert.match(r.body.errors[0], /failed to validate/);
    }
    const locked = await call('POST', 'sys/mfa/validate', { mfa_request_id: pending.mfa_request_id, mfa_payload: { [limited]: ['123456'] } });
    assert.equal(locked.status, 403);
    assert.match(locked.body.errors[0], /maximum TOTP validation attempts/);
    await ok('DELETE', 'identity/mfa/login-enforcement/other-mfa', undefined, 204);
  });
});
