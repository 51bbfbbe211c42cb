// Login MFA with TOTP, as Vault's: a method, a secret per entity, an
// enforcement on an auth mount; a matching login answers an mfa_requirement
// and no token until sys/mfa/validate (or the X-Vault-MFA header) gives a
// good code. Codes are computed by oathtool, an independent RFC 6238 tool.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { runCli } from '../support/coffer-process.js';
import { skipWithoutTools } from '../support/external-tools.js';

/** oathtool's current code for a base32 secret. */
function totpCode(secret: string): string {
  return execFileSync('oathtool', ['--totp=SHA1', '-d', '6', '-s', '30', '-b', secret]).toString().trim();
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

  /** A new userpass user with the TOTP method's secret (codes of other users' secrets are not spent for it). */
  const enrolledUser = async (user: string): Promise<string> => {
    const accessor = (await ok('GET', 'sys/auth')).data['userpass/'].accessor;
    await ok('POST', `auth/userpass/users/${user}`, { password: `${user}-pw`, token_policies: 'reader' }, 204);
    // The first login creates the entity (and waits for MFA); the admin then enrols it.
    assert.ok((await login('userpass', user)).body.auth.mfa_requirement);
    const entity = (await ok('POST', 'identity/lookup/entity', { alias_name: user, alias_mount_accessor: accessor })).data.id;
    const url = (await ok('POST', 'identity/mfa/method/totp/admin-generate', { method_id: methodId, entity_id: entity })).data.url;
    return new URL(url).searchParams.get('secret')!;
  };

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
    assert.match(first.body.warnings[0], /subject to MFA validation/);
    const requirement = auth.mfa_requirement;
    assert.match(requirement.mfa_request_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(requirement.mfa_constraints, { 'userpass-mfa': { any: [{ type: 'totp', id: methodId, uses_passcode: true, name: 'my-totp' }] } });

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
    const erin = await enrolledUser('erin');
    const missing = await login('userpass', 'erin', { 'X-Vault-MFA': `${methodId}:12345x` });
    assert.equal(missing.status, 403);
    const res = await login('userpass', 'erin', { 'X-Vault-MFA': `my-totp:${totpCode(erin)}` });
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

  it('generate gives the calling token\'s entity its own secret, once', async () => {
    await ok('PUT', 'sys/policies/acl/mfa-self', { policy: 'path "identity/mfa/method/totp/generate" { capabilities = ["update"] }' }, 204);
    await ok('POST', 'auth/other/users/alice', { token_policies: 'reader,mfa-self' }, 204);
    const token = (await login('other', 'alice')).body.auth.client_token;
    const first = await ok('POST', 'identity/mfa/method/totp/generate', { method_id: methodId }, 200, token);
    assert.match(first.data.url, /^otpauth:\/\/totp\/Coffer:entity_/);
    const second = await ok('POST', 'identity/mfa/method/totp/generate', { method_id: methodId }, 200, token);
    assert.equal(second.data?.url, undefined);
    assert.match(second.warnings[0], /already has a secret/);
    await ok('POST', 'identity/mfa/method/totp/generate', { method_id: methodId }, 400, s.rootToken);
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

  it('an enforcement on a group applies to its members\' logins, whatever the mount', async () => {
    const otherAccessor = (await ok('GET', 'sys/auth')).data['other/'].accessor;
    const member = (await ok('POST', 'identity/lookup/entity', { alias_name: 'alice', alias_mount_accessor: otherAccessor })).data.id;
    const group = (await ok('POST', 'identity/group', { name: 'mfa-users', member_entity_ids: [member] })).data.id;
    await ok('POST', 'identity/mfa/login-enforcement/by-group', { mfa_method_ids: [methodId], identity_group_ids: [group] }, 204);
    assert.deepEqual(Object.keys((await login('other', 'alice')).body.auth.mfa_requirement.mfa_constraints), ['by-group']);
    await ok('DELETE', 'identity/mfa/login-enforcement/by-group', undefined, 204);
    assert.match((await login('other', 'alice')).body.auth.client_token, /^hvs\./);
  });

  it('merging entities moves TOTP secrets to the merged-into entity; both having one needs force', async () => {
    const accessor = (await ok('GET', 'sys/auth')).data['userpass/'].accessor;
    const entity = async (name: string) => (await ok('POST', 'identity/entity', { name })).data.id as string;
    const enrol = async (id: string) => new URL((await ok('POST', 'identity/mfa/method/totp/admin-generate', { method_id: methodId, entity_id: id })).data.url).searchParams.get('secret')!;
    const [from, to, other] = [await entity('merge-from'), await entity('merge-to'), await entity('merge-other')];
    const fromSecret = await enrol(from);
    await enrol(other);
    // "gina" logs in as the merged-into entity, which has no secret of its own.
    await ok('POST', 'auth/userpass/users/gina', { password: 'gina-pw', token_policies: 'reader' }, 204);
    await ok('POST', 'identity/entity-alias', { name: 'gina', mount_accessor: accessor, canonical_id: to });
    await ok('POST', 'identity/entity/merge', { from_entity_ids: [from], to_entity_id: to }, 204);
    const pending = (await login('userpass', 'gina')).body.auth.mfa_requirement;
    const done = await call('POST', 'sys/mfa/validate', { mfa_request_id: pending.mfa_request_id, mfa_payload: { [methodId]: [totpCode(fromSecret)] } });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.auth.entity_id, to);

    const refused = await ok('POST', 'identity/entity/merge', { from_entity_ids: [other], to_entity_id: to }, 400);
    assert.match(refused.errors[0], /conflicting MFA secrets/);
    assert.ok((await ok('GET', `identity/entity/id/${other}`)).data, 'nothing was merged');
    await ok('POST', 'identity/entity/merge', { from_entity_ids: [other], to_entity_id: to, force: true }, 204);
  });

  it('coffer login prompts for the passcode of the one required method; -mfa sends it with the login', async () => {
    const home = mkdtempSync(join(tmpdir(), 'coffer-mfa-cli-'));
    const env = { VAULT_ADDR: s.address, HOME: home, VAULT_TOKEN: '' };

    const carol = await enrolledUser('carol');
    const prompted = await runCli(['login', '-method=userpass', 'username=carol', 'password=carol-pw'], env, `${totpCode(carol)}\n`);
    assert.equal(prompted.code, 0, prompted.stderr);
    assert.match(prompted.stderr, new RegExp(`Enter the passphrase for methodID "${methodId}" of type "totp"`));
    assert.match(prompted.stdout, /^Success! You are now authenticated\./);
    const stored = readFileSync(join(home, '.vault-token'), 'utf8');
    assert.match(stored, /^hvs\./);
    assert.deepEqual((await ok('GET', 'auth/token/lookup-self', undefined, 200, stored)).data.policies, ['default', 'reader']);

    const dave = await enrolledUser('dave');
    const flagged = await runCli(['login', '-method=userpass', '-token-only', `-mfa=${methodId}:${totpCode(dave)}`, 'username=dave', 'password=dave-pw'], env);
    assert.equal(flagged.code, 0, flagged.stderr);
    assert.match(flagged.stdout, /^hvs\./);

    // With -non-interactive the requirement is printed; a generic write completes the login.
    const fay = await enrolledUser('fay');
    const printed = await runCli(['login', '-method=userpass', '-non-interactive', '-format=json', 'username=fay', 'password=fay-pw'], env);
    assert.equal(printed.code, 0, printed.stderr);
    const requestId = JSON.parse(printed.stdout).auth.mfa_requirement.mfa_request_id;
    const written = await runCli(['write', '-format=json', 'sys/mfa/validate', `mfa_request_id=${requestId}`, `mfa_payload={"${methodId}": ["${totpCode(fay)}"]}`], env);
    assert.equal(written.code, 0, written.stderr);
    assert.match(JSON.parse(written.stdout).auth.client_token, /^hvs\./);

    const refused = await runCli(['login', '-method=userpass', 'username=dave', 'password=dave-pw'], env, '000000x\n');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Error authenticating: .*failed to validate TOTP passcode/s);
  });
});
