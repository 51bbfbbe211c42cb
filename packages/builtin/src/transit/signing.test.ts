import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertRejectsWithCode as rejects, type TestBackend } from '@coffer/sdk/testing/index.js';
import { b64, dataOf, mountTransit, snapshot } from './test-mount.js';

const message = Buffer.from('sign me');

async function publicKey(t: TestBackend, name: string): Promise<KeyObject> {
  const keys = dataOf(await t.read(`keys/${name}`))['keys'] as Record<string, { public_key: string }>;
  const pem = keys['1']!.public_key;
  return pem.startsWith('-----') ? createPublicKey(pem) : createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pem, 'base64').toString('base64url') }, format: 'jwk' });
}

function sigBytes(signature: unknown, jws = false): Buffer {
  const body = String(signature).replace(/^vault:v\d+:/, '');
  return Buffer.from(body, jws ? 'base64url' : 'base64');
}

async function sign(t: TestBackend, name: string, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  return dataOf(await t.write(`sign/${name}`, { input: b64(message), ...fields }));
}

async function verifies(t: TestBackend, name: string, fields: Record<string, unknown>): Promise<boolean> {
  return dataOf(await t.write(`verify/${name}`, { input: b64(message), ...fields }))['valid'] === true;
}

describe('transit signing', () => {
  it('ed25519 signatures verify with node:crypto and with verify/', async () => {
    const t = await mountTransit();
    await t.write('keys/ed', { type: 'ed25519' });
    const { signature, key_version } = await sign(t, 'ed', {});
    assert.equal(key_version, 1);
    assert.ok(verify(null, message, await publicKey(t, 'ed'), sigBytes(signature)));
    assert.ok(await verifies(t, 'ed', { signature }));
    assert.equal(await verifies(t, 'ed', { signature, input: b64('other') }), false);
  });

  it('derived ed25519 keys sign per context and return the public key', async () => {
    const t = await mountTransit();
    await t.write('keys/ed', { type: 'ed25519', derived: true });
    const signed = await sign(t, 'ed', { context: b64('user-1') });
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(String(signed['public_key']), 'base64').toString('base64url') }, format: 'jwk' });
    assert.ok(verify(null, message, pub, sigBytes(signed['signature'])));
    const read = dataOf(await t.read('keys/ed', { context: b64('user-1') }))['keys'] as Record<string, { public_key: string }>;
    assert.equal(read['1']!.public_key, signed['public_key']);
    assert.ok(await verifies(t, 'ed', { signature: signed['signature'], context: b64('user-1') }));
    assert.equal(await verifies(t, 'ed', { signature: signed['signature'], context: b64('user-2') }), false);
  });

  for (const [type, curve, bytes] of [['ecdsa-p256', 'sha2-256', 32], ['ecdsa-p384', 'sha2-384', 48], ['ecdsa-p521', 'sha2-512', 66]] as const) {
    it(`${type} signs in asn1 and jws, plain and prehashed`, async () => {
      const t = await mountTransit();
      await t.write('keys/ec', { type });
      const pub = await publicKey(t, 'ec');
      const digestName = curve.replace('sha2-', 'sha');
      const der = await sign(t, 'ec', { hash_algorithm: curve });
      assert.ok(verify(digestName, message, pub, sigBytes(der['signature'])));
      const jws = await sign(t, 'ec', { hash_algorithm: curve, marshaling_algorithm: 'jws' });
      assert.equal(sigBytes(jws['signature'], true).length, 2 * bytes);
      assert.ok(verify(digestName, message, { key: pub, dsaEncoding: 'ieee-p1363' }, sigBytes(jws['signature'], true)));
      const digest = createHash(digestName).update(message).digest();
      const pre = await sign(t, 'ec', { hash_algorithm: curve, prehashed: true, input: digest.toString('base64') });
      assert.ok(verify(digestName, message, pub, sigBytes(pre['signature'])));
      assert.ok(await verifies(t, 'ec', { hash_algorithm: curve, signature: der['signature'] }));
      assert.ok(await verifies(t, 'ec', { hash_algorithm: curve, marshaling_algorithm: 'jws', signature: jws['signature'] }));
      assert.ok(await verifies(t, 'ec', { hash_algorithm: curve, prehashed: true, input: digest.toString('base64'), signature: pre['signature'] }));
      assert.equal(await verifies(t, 'ec', { hash_algorithm: curve, signature: der['signature'], input: b64('tampered') }), false);
    });
  }

  it('ECDSA signs prehashed input of any length, truncated to the curve as Go does', async () => {
    const t = await mountTransit();
    await t.write('keys/ec', { type: 'ecdsa-p256' });
    const pub = await publicKey(t, 'ec');
    // A SHA-512 digest on P-256: OpenSSL truncates it the same way when it hashes with sha512 itself.
    const digest = createHash('sha512').update(message).digest();
    const pre = await sign(t, 'ec', { prehashed: true, input: digest.toString('base64') });
    assert.ok(verify('sha512', message, pub, sigBytes(pre['signature'])));
    assert.ok(await verifies(t, 'ec', { prehashed: true, input: digest.toString('base64'), signature: pre['signature'] }));
  });

  it('rsa signs with PSS (salt lengths) and PKCS#1 v1.5, plain and prehashed', async () => {
    const t = await mountTransit();
    await t.write('keys/rsa', { type: 'rsa-2048' });
    const pub = await publicKey(t, 'rsa');
    const digest = createHash('sha256').update(message).digest();
    const pss = await sign(t, 'rsa', {});
    assert.ok(verify('sha256', message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 2048 / 8 - 2 - 32 }, sigBytes(pss['signature'])));
    const pssHash = await sign(t, 'rsa', { salt_length: 'hash' });
    assert.ok(verify('sha256', message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sigBytes(pssHash['signature'])));
    const pkcs = await sign(t, 'rsa', { signature_algorithm: 'pkcs1v15', hash_algorithm: 'sha2-512' });
    assert.ok(verify('sha512', message, { key: pub, padding: constants.RSA_PKCS1_PADDING }, sigBytes(pkcs['signature'])));
    // Prehashed: Coffer encodes EMSA-PSS and EMSA-PKCS1-v1_5 itself; OpenSSL must accept the result.
    const prePss = await sign(t, 'rsa', { prehashed: true, input: digest.toString('base64'), salt_length: '20' });
    assert.ok(verify('sha256', message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 20 }, sigBytes(prePss['signature'])));
    const prePkcs = await sign(t, 'rsa', { prehashed: true, signature_algorithm: 'pkcs1v15', input: digest.toString('base64') });
    assert.deepEqual(sigBytes(prePkcs['signature']), sigBytes((await sign(t, 'rsa', { signature_algorithm: 'pkcs1v15' }))['signature']));
    for (const [fields, signature] of [[{}, pss], [{ salt_length: 'hash' }, pssHash], [{ signature_algorithm: 'pkcs1v15', hash_algorithm: 'sha2-512' }, pkcs]] as const) {
      assert.ok(await verifies(t, 'rsa', { ...fields, signature: signature['signature'] }));
    }
    assert.ok(await verifies(t, 'rsa', { prehashed: true, input: digest.toString('base64'), signature: prePss['signature'] }));
    assert.ok(await verifies(t, 'rsa', { prehashed: true, input: digest.toString('base64'), signature: pss['signature'] }));
    assert.ok(await verifies(t, 'rsa', { prehashed: true, signature_algorithm: 'pkcs1v15', input: digest.toString('base64'), signature: prePkcs['signature'] }));
    assert.equal(await verifies(t, 'rsa', { prehashed: true, input: createHash('sha256').update('x').digest('base64'), signature: prePss['signature'] }), false);
    await rejects(t.write('sign/rsa', { input: b64(message), salt_length: '1000' }), 'invalid_request', 'requested salt length 1000 is invalid');
    await rejects(t.write('sign/rsa', { input: b64(message), hash_algorithm: 'none' }), 'invalid_request', /hash_algorithm=none requires/);
  });

  it('refuses the wrong key type and old versions, and writes nothing', async () => {
    const t = await mountTransit();
    await t.write('keys/aes', {});
    await t.write('keys/ed', { type: 'ed25519' });
    const v1 = (await sign(t, 'ed', {}))['signature'];
    await t.write('keys/ed/rotate', {});
    await t.write('keys/ed/config', { min_decryption_version: 2 });
    const before = await snapshot(t);
    await rejects(t.write('sign/aes', { input: b64(message) }), 'invalid_request', 'key type aes256-gcm96 does not support signing');
    await rejects(t.write('verify/aes', { input: b64(message), signature: v1 }), 'invalid_request', 'key type aes256-gcm96 does not support verification');
    await rejects(t.write('verify/ed', { input: b64(message), signature: v1, hmac: v1 }), 'invalid_request', "provide one of 'signature' or 'hmac'");
    await rejects(t.write('verify/ed', { batch_input: [{ input: b64(message), signature: v1 }, { input: b64(message) }] }), 'invalid_request', "some elements of batch_input are missing 'signature'");
    await rejects(t.write('sign/ed', { input: b64(message), hash_algorithm: 'md5' }), 'invalid_request', 'invalid hash algorithm "md5"');
    await rejects(t.write('verify/ed', { input: b64(message), signature: v1 }), 'invalid_request', 'ciphertext or signature version is disallowed by policy (too old)');
    await rejects(t.write('verify/ed', { input: b64(message), signature: 'nope' }), 'invalid_request', 'invalid signature: no prefix');
    await rejects(t.write('sign/missing', { input: b64(message) }), 'invalid_request', 'encryption key not found');
    assert.equal(await snapshot(t), before);
  });

  it('signs batches', async () => {
    const t = await mountTransit();
    await t.write('keys/ed', { type: 'ed25519' });
    const results = dataOf(await t.write('sign/ed', { batch_input: [{ input: b64('a') }, { input: b64('b') }] }))['batch_results'] as Array<Record<string, unknown>>;
    const checked = dataOf(await t.write('verify/ed', { batch_input: [{ input: b64('a'), signature: results[0]!['signature'] }, { input: b64('a'), signature: results[1]!['signature'] }] }));
    assert.deepEqual((checked['batch_results'] as Array<Record<string, unknown>>).map((r) => r['valid']), [true, false]);
  });
});

describe('transit hmac, hash and random', () => {
  it('computes and verifies HMACs with the version\'s HMAC key', async () => {
    const t = await mountTransit();
    await t.write('keys/k', { exportable: true });
    const { hmac } = dataOf(await t.write('hmac/k/sha2-512', { input: b64('data') }));
    const hmacKey = Buffer.from(String((dataOf(await t.read('export/hmac-key/k/1'))['keys'] as Record<string, string>)['1']), 'base64');
    const { createHmac } = await import('node:crypto');
    assert.equal(hmac, `vault:v1:${createHmac('sha512', hmacKey).update('data').digest('base64')}`);
    assert.ok(await verifies(t, 'k', { input: b64('data'), hmac, hash_algorithm: 'sha2-512' }));
    assert.equal(dataOf(await t.write('verify/k/sha2-512', { input: b64('other'), hmac }))['valid'], false);
    await t.write('keys/h', { type: 'hmac', key_size: 64 });
    assert.match(String(dataOf(await t.write('hmac/h', { input: b64('x') }))['hmac']), /^vault:v1:/);
    await rejects(t.write('encrypt/h', { plaintext: b64('x') }), 'invalid_request', 'message encryption not supported for key type hmac');
  });

  it('hashes with SHA-2 and SHA-3', async () => {
    const t = await mountTransit();
    assert.equal(dataOf(await t.write('hash', { input: b64('abc') }))['sum'], createHash('sha256').update('abc').digest('hex'));
    assert.equal(dataOf(await t.write('hash/sha3-512', { input: b64('abc'), format: 'base64' }))['sum'], createHash('sha3-512').update('abc').digest('base64'));
    await rejects(t.write('hash/md5', { input: b64('abc') }), 'invalid_request', 'unsupported hash algorithm md5');
  });

  it('returns random bytes', async () => {
    const t = await mountTransit();
    assert.equal(Buffer.from(String(dataOf(await t.write('random', {}))['random_bytes']), 'base64').length, 32);
    assert.equal(String(dataOf(await t.write('random/all/16', { format: 'hex' }))['random_bytes']).length, 32);
    await rejects(t.write('random', { bytes: 200000 }), 'invalid_request', 'bytes cannot be more than 131072');
  });
});
