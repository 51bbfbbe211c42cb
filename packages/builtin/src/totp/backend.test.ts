// The TOTP engine through its paths: codes checked against oathtool (an
// independent RFC 6238 implementation), provider and generator keys, replay
// protection, and Vault's messages for bad input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { beforeEach, describe, it } from 'node:test';
import { collectKeys } from '@coffer/sdk';
import { assertEveryPathDocumented, assertRejectsWithCode, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { skipWithoutTools } from '../../../../test/support/external-tools.js';
import { createTotpBackend } from './backend.js';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
let clock = 0;

async function mount(): Promise<TestBackend> {
  return createTestBackend((conf) => createTotpBackend(conf, { now: () => clock }));
}

/** oathtool's code for a base32 secret at a time (seconds). */
function oathtool(secret: string, atSeconds: number, opts: { algorithm?: string; digits?: number; period?: number } = {}): string {
  return execFileSync('oathtool', [
    `--totp=${opts.algorithm ?? 'SHA1'}`,
    '-d', String(opts.digits ?? 6),
    '-s', String(opts.period ?? 30),
    '-N', `@${atSeconds}`,
    '-b', secret,
  ]).toString().trim();
}

async function refusedWithoutWrites(b: TestBackend, attempt: Promise<unknown>, message: string | RegExp): Promise<void> {
  const before = await collectKeys(b.storage);
  await assertRejectsWithCode(attempt, 'invalid_request', message);
  assert.deepEqual(await collectKeys(b.storage), before);
}

describe('codes agree with oathtool', { skip: skipWithoutTools(['oathtool'], 'oathtool') }, () => {
  let b: TestBackend;
  beforeEach(async () => {
    b = await mount();
  });

  const variants = [
    { algorithm: 'SHA1', digits: 6, period: 30 },
    { algorithm: 'SHA256', digits: 8, period: 30 },
    { algorithm: 'SHA512', digits: 8, period: 60 },
    { algorithm: 'SHA1', digits: 8, period: 15 },
  ];
  for (const v of variants) {
    it(`${v.algorithm}, ${v.digits} digits, ${v.period}s`, async () => {
      await b.write('keys/k', { key: SECRET, ...v });
      for (const at of [59, 1_111_111_109, 1_234_567_890, 2_000_000_000, 20_000_000_000]) {
        clock = at * 1000;
        const code = (await b.read('code/k'))?.data?.['code'];
        assert.equal(code, oathtool(SECRET, at, v), `at ${at}`);
      }
    });
  }

  it('a generated key makes the codes oathtool makes from its url', async () => {
    const resp = await b.write('keys/gen', { generate: true, issuer: 'Coffer', account_name: 'alice@example.com', algorithm: 'SHA256', digits: 8 });
    const url = new URL(resp?.data?.['url'] as string);
    const secret = url.searchParams.get('secret')!;
    clock = 1_700_000_000_000;
    assert.equal((await b.read('code/gen'))?.data?.['code'], oathtool(secret, 1_700_000_000, { algorithm: 'SHA256', digits: 8 }));
    // A code from oathtool validates once; the next period's code from oathtool is within skew 1.
    assert.deepEqual((await b.write('code/gen', { code: oathtool(secret, 1_700_000_000, { algorithm: 'SHA256', digits: 8 }) }))?.data, { valid: true });
    assert.deepEqual((await b.write('code/gen', { code: oathtool(secret, 1_700_000_030, { algorithm: 'SHA256', digits: 8 }) }))?.data, { valid: true });
    assert.deepEqual((await b.write('code/gen', { code: oathtool(secret, 1_700_000_090, { algorithm: 'SHA256', digits: 8 }) }))?.data, { valid: false });
  });
});

describe('keys', () => {
  let b: TestBackend;
  beforeEach(async () => {
    b = await mount();
    clock = 1_700_000_000_000;
  });

  it('generate mode returns the url and a QR code PNG once, and a read never shows the secret', async () => {
    const resp = await b.write('keys/alice', { generate: true, issuer: 'Coffer Inc', account_name: 'alice@example.com', qr_size: 120 });
    const url = resp?.data?.['url'] as string;
    assert.match(url, /^otpauth:\/\/totp\/Coffer%20Inc:alice@example\.com\?algorithm=SHA1&digits=6&issuer=Coffer%20Inc&period=30&secret=[A-Z2-7]{32}$/);
    const png = Buffer.from(resp?.data?.['barcode'] as string, 'base64');
    assert.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'a PNG');
    // IHDR width and height: the asked size.
    assert.equal(png.readUInt32BE(16), 120);
    assert.equal(png.readUInt32BE(20), 120);
    const read = await b.read('keys/alice');
    assert.deepEqual(read?.data, { issuer: 'Coffer Inc', account_name: 'alice@example.com', period: 30, algorithm: 'SHA1', digits: 6 });
    assert.deepEqual((await b.list('keys/'))?.data, { keys: ['alice'] });
  });

  it('exported=false returns nothing and qr_size=0 returns only the url', async () => {
    assert.equal(await b.write('keys/hidden', { generate: true, issuer: 'I', account_name: 'a', exported: false }), null);
    const resp = await b.write('keys/noqr', { generate: true, issuer: 'I', account_name: 'a', qr_size: 0 });
    assert.deepEqual(Object.keys(resp?.data ?? {}), ['url']);
    assert.match((await b.read('code/hidden'))?.data?.['code'] as string, /^\d{6}$/);
  });

  it('provider mode takes a url, with the label\'s issuer and account', async () => {
    await b.write('keys/google', { url: `otpauth://totp/Google:test@gmail.com?secret=${SECRET.toLowerCase()}&period=60&digits=8&algorithm=SHA512` });
    assert.deepEqual((await b.read('keys/google'))?.data, { issuer: 'Google', account_name: 'test@gmail.com', period: 60, algorithm: 'SHA512', digits: 8 });
    assert.match((await b.read('code/google'))?.data?.['code'] as string, /^\d{8}$/);
  });

  it('refuses bad input with Vault\'s messages and writes nothing', async () => {
    await refusedWithoutWrites(b, b.write('keys/x', { generate: true, key: SECRET }), 'a key should not be passed if generate is true');
    await refusedWithoutWrites(b, b.write('keys/x', { generate: true, url: 'otpauth://totp/a?secret=AA' }), 'a url should not be passed if generate is true');
    await refusedWithoutWrites(b, b.write('keys/x', { generate: true, issuer: 'I' }), 'the account_name value is required for generated keys');
    await refusedWithoutWrites(b, b.write('keys/x', { generate: true, account_name: 'a' }), 'the issuer value is required for generated keys');
    await refusedWithoutWrites(b, b.write('keys/x', {}), 'the key value is required');
    await refusedWithoutWrites(b, b.write('keys/x', { key: 'not base32!' }), 'invalid key value: illegal base32 data');
    await refusedWithoutWrites(b, b.write('keys/x', { key: SECRET, digits: 7 }), 'the digits value can only be 6 or 8');
    await refusedWithoutWrites(b, b.write('keys/x', { key: SECRET, algorithm: 'MD5' }), 'the algorithm value is not valid');
    await refusedWithoutWrites(b, b.write('keys/x', { key: SECRET, period: 0 }), 'the period value must be greater than zero');
    await refusedWithoutWrites(b, b.write('keys/x', { key: SECRET, skew: 2 }), 'the skew value must be 0 or 1');
    await refusedWithoutWrites(b, b.write('keys/x', { key: SECRET, qr_size: -1 }), 'the qr_size value must be greater than or equal to zero');
    await refusedWithoutWrites(b, b.write('keys/x', { key: SECRET, key_size: 0 }), 'the key_size value must be greater than zero');
    await refusedWithoutWrites(b, b.write('keys/x', { url: '::not a url' }), 'an error occurred while parsing url string');
    await refusedWithoutWrites(b, b.write('keys/x', { url: `otpauth://totp/a?secret=${SECRET}&period=abc` }), 'an error occurred while parsing period value in url');
    await assertRejectsWithCode(b.read('code/missing'), 'invalid_request', 'unknown key: missing');
    await assertRejectsWithCode(b.write('code/missing', { code: '123456' }), 'invalid_request', 'unknown key: missing');
  });

  it('every path is documented', () => {
    assertEveryPathDocumented(b.backend);
  });
});

describe('validation and replay protection', () => {
  let b: TestBackend;
  beforeEach(async () => {
    b = await mount();
    clock = 1_700_000_010_000;
    await b.write('keys/k', { key: SECRET, skew: 1 });
  });

  it('a code validates once; a replay is refused until it can no longer be valid', async () => {
    const code = (await b.read('code/k'))?.data?.['code'] as string;
    assert.deepEqual((await b.write('code/k', { code }))?.data, { valid: true });
    await assertRejectsWithCode(b.write('code/k', { code }), 'invalid_request', 'code already used; wait until the next time period');
    // (2 + skew) periods later the code is forgotten, and by then it is no longer valid either.
    clock += 90_000;
    assert.deepEqual((await b.write('code/k', { code }))?.data, { valid: false });
  });

  it('codes of the neighbouring periods count within skew, farther ones and wrong lengths do not', async () => {
    const at = async (ms: number): Promise<string> => {
      const saved = clock;
      clock = ms;
      const code = (await b.read('code/k'))?.data?.['code'] as string;
      clock = saved;
      return code;
    };
    const previous = await at(clock - 30_000);
    const next = await at(clock + 30_000);
    const far = await at(clock - 90_000);
    assert.deepEqual((await b.write('code/k', { code: previous }))?.data, { valid: true });
    assert.deepEqual((await b.write('code/k', { code: next }))?.data, { valid: true });
    assert.deepEqual((await b.write('code/k', { code: far }))?.data, { valid: false });
    assert.deepEqual((await b.write('code/k', { code: '12345' }))?.data, { valid: false });
    await assertRejectsWithCode(b.write('code/k', { code: '  ' }), 'invalid_request', 'the code value is required');
  });

  it('replacing or deleting a key forgets its used codes', async () => {
    const code = (await b.read('code/k'))?.data?.['code'] as string;
    await b.write('code/k', { code });
    await b.write('keys/k', { key: SECRET });
    assert.deepEqual((await b.write('code/k', { code }))?.data, { valid: true });
    await b.delete('keys/k');
    assert.equal(await b.read('keys/k'), null);
  });
});
