// LoginMfa with a clock the test moves: pending logins expire, a code works
// once, and wrong codes lock a method only for a while. Codes come from
// oathtool (an independent RFC 6238 implementation) at the test's time.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { InmemStorage, silentLogger } from '@coffer/sdk';
import { skipWithoutTools } from '../../../../../test/support/external-tools.js';
import { IdentityStore } from '../store.js';
import { LoginMfa, payloadFromHeader } from './login-mfa.js';
import { writeEnforcement, writeMethod, writeSecret, type TotpMethod } from './records.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const METHOD: TotpMethod = {
  id: '11111111-1111-1111-1111-111111111111', type: 'totp', name: 'm', issuer: 'Coffer', period: 30, keySize: 20, qrSize: 0,
  algorithm: 'SHA256', digits: 8, skew: 0, maxValidationAttempts: 2, creationTime: '', updateTime: '',
};

function code(atMs: number): string {
  return execFileSync('oathtool', ['--totp=SHA256', '-d', '8', '-s', '30', '-N', `@${Math.floor(atMs / 1000)}`, '-b', SECRET]).toString().trim();
}

async function setup() {
  let now = Date.UTC(2026, 0, 1, 12, 0, 5);
  const storage = new InmemStorage();
  const store = new IdentityStore({ storage: () => storage, mountByAccessor: () => undefined, logger: silentLogger });
  await store.load();
  await writeMethod(storage, METHOD);
  await writeSecret(storage, METHOD.id, 'e1', { key: SECRET, accountName: 'e1' });
  await writeEnforcement(storage, { id: 'x', name: 'on-userpass', mfaMethodIds: [METHOD.id], authMethodAccessors: [], authMethodTypes: ['userpass'], identityGroupIds: [], identityEntityIds: [] });
  const mfa = new LoginMfa<string>(store, () => now);
  return { storage, mfa, advance: (ms: number) => (now += ms), now: () => now };
}

describe('LoginMfa', { skip: skipWithoutTools(['oathtool'], 'oathtool') }, () => {
  it('matches enforcements by auth method type; other logins need nothing', async () => {
    const { storage, mfa } = await setup();
    assert.deepEqual(await mfa.constraintsFor(storage, { mountAccessor: 'a', mountType: 'userpass', entityId: 'e1' }), [{ enforcement: 'on-userpass', methods: [{ id: METHOD.id, name: 'm' }] }]);
    assert.deepEqual(await mfa.constraintsFor(storage, { mountAccessor: 'a', mountType: 'approle', entityId: 'e1' }), []);
  });

  it('a held login is released once by a good code (SHA256, 8 digits, skew 0), and expires', async () => {
    const { storage, mfa, advance, now } = await setup();
    const constraints = await mfa.constraintsFor(storage, { mountAccessor: 'a', mountType: 'userpass', entityId: 'e1' });
    const auth = { policies: ['p'], metadata: {}, displayName: 'u', ttl: 3600, maxTtl: 0, renewable: true, entityId: 'e1' };
    const id = mfa.hold('e1', constraints, auth, 'route');
    const released = await mfa.release(storage, id, { m: [code(now())] });
    assert.equal(released.extra, 'route');
    await assert.rejects(mfa.release(storage, id, { m: [code(now())] }), /MFA request ID not found/);

    const late = mfa.hold('e1', constraints, auth, 'route');
    advance(5 * 60 * 1000);
    await assert.rejects(mfa.release(storage, late, { [METHOD.id]: [code(now())] }), /MFA request ID not found/);
  });

  it('wrong codes lock the method after max_validation_attempts until they age out; a code of another period fails with skew 0', async () => {
    const { storage, mfa, advance, now } = await setup();
    const constraints = await mfa.constraintsFor(storage, { mountAccessor: 'a', mountType: 'userpass', entityId: 'e1' });
    await assert.rejects(mfa.satisfy(storage, 'e1', constraints, { m: [code(now() - 30_000)] }), /failed to validate TOTP passcode/);
    await assert.rejects(mfa.satisfy(storage, 'e1', constraints, { m: ['00000000'] }), /failed to validate TOTP passcode/);
    await assert.rejects(mfa.satisfy(storage, 'e1', constraints, { m: [code(now())] }), /maximum TOTP validation attempts 2 exceeded the allowed attempts 2/);
    advance(60_000);
    await mfa.satisfy(storage, 'e1', constraints, { m: [`passcode=${code(now())}`] });
    await assert.rejects(mfa.satisfy(storage, 'e1', constraints, { m: [code(now())] }), /already used/);
  });

  it('an unknown method in the payload and a malformed header are 400s', async () => {
    const { storage, mfa } = await setup();
    await assert.rejects(mfa.satisfy(storage, 'e1', [], { nope: ['1'] }), /invalid MFA method ID or name "nope"/);
    assert.throws(() => payloadFromHeader(['123456']), /invalid MFA header/);
    assert.deepEqual(payloadFromHeader(['a:1', 'b:2,a:3']), { a: ['1', '3'], b: ['2'] });
  });
});
