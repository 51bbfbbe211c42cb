import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, type CipherGCMTypes } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertEveryPathDocumented, assertRejectsWithCode as rejects } from '@coffer/sdk/testing/index.js';
import { b64, dataOf, mountTransit, snapshot } from './test-mount.js';

describe('transit encryption', () => {
  it('documents every path and field', async () => {
    assertEveryPathDocumented((await mountTransit()).backend);
  });

  for (const type of ['aes128-gcm96', 'aes256-gcm96', 'chacha20-poly1305', 'rsa-2048'] as const) {
    it(`round-trips with ${type}`, async () => {
      const t = await mountTransit();
      await t.write('keys/k', { type });
      const enc = dataOf(await t.write('encrypt/k', { plaintext: b64('hello transit') }));
      assert.match(String(enc['ciphertext']), /^vault:v1:[A-Za-z0-9+/=]+$/);
      assert.equal(enc['key_version'], 1);
      const dec = dataOf(await t.write('decrypt/k', { ciphertext: enc['ciphertext'] }));
      assert.equal(Buffer.from(String(dec['plaintext']), 'base64').toString(), 'hello transit');
    });
  }

  it('lays out ciphertexts as Vault does: nonce, ciphertext, tag, under the exported key', async () => {
    const t = await mountTransit();
    await t.write('keys/k', { type: 'aes256-gcm96', exportable: true });
    const key = Buffer.from(String((dataOf(await t.read('export/encryption-key/k/1'))['keys'] as Record<string, string>)['1']), 'base64');
    assert.equal(key.length, 32);
    // Decrypt Coffer's ciphertext independently with node:crypto.
    const enc = dataOf(await t.write('encrypt/k', { plaintext: b64('layout') }));
    const raw = Buffer.from(String(enc['ciphertext']).slice('vault:v1:'.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    assert.equal(Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(), 'layout');
    // And a ciphertext made outside Coffer in Vault's layout decrypts in Coffer.
    const nonce = Buffer.alloc(12, 7);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    const body = Buffer.concat([cipher.update('made elsewhere'), cipher.final()]);
    const foreign = `vault:v1:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
    const dec = dataOf(await t.write('decrypt/k', { ciphertext: foreign }));
    assert.equal(Buffer.from(String(dec['plaintext']), 'base64').toString(), 'made elsewhere');
  });

  it('derives per-context keys with HKDF-SHA256 (key as IKM, no salt, context as info)', async () => {
    const t = await mountTransit();
    await t.write('keys/d', { derived: true, exportable: true });
    const key = Buffer.from(String((dataOf(await t.read('export/encryption-key/d'))['keys'] as Record<string, string>)['1']), 'base64');
    const context = Buffer.from('tenant-1');
    const enc = dataOf(await t.write('encrypt/d', { plaintext: b64('derived'), context: b64(context) }));
    const raw = Buffer.from(String(enc['ciphertext']).slice('vault:v1:'.length), 'base64');
    const derived = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), context, 32));
    const decipher = createDecipheriv('aes-256-gcm', derived, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    assert.equal(Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(), 'derived');
    await rejects(t.write('encrypt/d', { plaintext: b64('x') }), 'invalid_request', /missing 'context' for key derivation/);
    await rejects(t.write('decrypt/d', { ciphertext: enc['ciphertext'], context: b64('tenant-2') }), 'invalid_request', 'cipher: message authentication failed');
  });

  for (const [type, cipherName, keyBytes] of [['aes128-gcm96', 'aes-128-gcm', 16], ['aes256-gcm96', 'aes-256-gcm', 32], ['chacha20-poly1305', 'chacha20-poly1305', 32]] as const) {
    it(`convergent ${type}: equal inputs give equal ciphertexts, with Vault's scheme-3 nonce`, async () => {
      const t = await mountTransit();
      await t.write('keys/c', { type, derived: true, convergent_encryption: true, exportable: true });
      const key = Buffer.from(String((dataOf(await t.read('export/encryption-key/c'))['keys'] as Record<string, string>)['1']), 'base64');
      const context = Buffer.from('ctx');
      const one = dataOf(await t.write('encrypt/c', { plaintext: b64('same'), context: b64(context) }))['ciphertext'];
      const two = dataOf(await t.write('encrypt/c', { plaintext: b64('same'), context: b64(context) }))['ciphertext'];
      const other = dataOf(await t.write('encrypt/c', { plaintext: b64('same'), context: b64('ctx2') }))['ciphertext'];
      assert.equal(one, two);
      assert.notEqual(one, other);
      // HKDF gives the encryption key, then a 32-byte HMAC key whose HMAC of the plaintext is the nonce.
      const both = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), context, keyBytes + 32));
      const nonce = createHmac('sha256', both.subarray(keyBytes)).update('same').digest().subarray(0, 12);
      // Node types chacha20-poly1305 like the GCM modes: same tag API.
      const cipher = createCipheriv(cipherName as CipherGCMTypes, both.subarray(0, keyBytes), nonce, { authTagLength: 16 });
      const body = Buffer.concat([cipher.update('same'), cipher.final()]);
      assert.equal(one, `vault:v1:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`);
      assert.equal(Buffer.from(String(dataOf(await t.write('decrypt/c', { ciphertext: one, context: b64(context) }))['plaintext']), 'base64').toString(), 'same');
    });
  }

  it('refuses convergent encryption without derivation', async () => {
    const t = await mountTransit();
    await rejects(t.write('keys/bad', { convergent_encryption: true }), 'invalid_request', 'convergent encryption requires derivation to be enabled');
  });

  it('authenticates associated data', async () => {
    const t = await mountTransit();
    await t.write('keys/k', {});
    const enc = dataOf(await t.write('encrypt/k', { plaintext: b64('p'), associated_data: b64('aad') }));
    assert.equal(Buffer.from(String(dataOf(await t.write('decrypt/k', { ciphertext: enc['ciphertext'], associated_data: b64('aad') }))['plaintext']), 'base64').toString(), 'p');
    await rejects(t.write('decrypt/k', { ciphertext: enc['ciphertext'] }), 'invalid_request', 'cipher: message authentication failed');
  });

  it('upserts the key on encrypt when it does not exist, as the CLI expects', async () => {
    const t = await mountTransit();
    const enc = dataOf(await t.write('encrypt/new', { plaintext: b64('hi\n') }));
    assert.match(String(enc['ciphertext']), /^vault:v1:/);
    assert.equal(dataOf(await t.read('keys/new'))['type'], 'aes256-gcm96');
    await rejects(t.request('update', 'decrypt/missing', { ciphertext: enc['ciphertext'] }), 'invalid_request', 'encryption key not found');
    // Nothing usable in the request: the key is not created.
    await rejects(t.write('encrypt/never', { plaintext: 'not base64!' }), 'invalid_request', 'illegal base64 data in plaintext');
    await rejects(t.write('encrypt/never', { plaintext: b64('x'), context: '%%' }), 'invalid_request', 'failed to base64-decode context');
    assert.deepEqual(dataOf(await t.list('keys/'))['keys'], ['new']);
    // config/keys disable_upsert turns the upsert off.
    assert.equal(dataOf(await t.write('config/keys', { disable_upsert: true }))['disable_upsert'], true);
    await rejects(t.write('encrypt/other', { plaintext: b64('x') }), 'invalid_request', 'encryption key not found');
    assert.equal(dataOf(await t.read('config/keys'))['disable_upsert'], true);
    assert.ok(dataOf(await t.write('encrypt/new', { plaintext: b64('x') }))['ciphertext']);
  });

  it('refuses bad input with 400 and writes nothing', async () => {
    const t = await mountTransit();
    await t.write('keys/a', {});
    await t.write('keys/b', {});
    await t.write('keys/sig', { type: 'ed25519' });
    const enc = dataOf(await t.write('encrypt/a', { plaintext: b64('x') }));
    const before = await snapshot(t);
    await rejects(t.write('decrypt/b', { ciphertext: enc['ciphertext'] }), 'invalid_request', 'cipher: message authentication failed');
    await rejects(t.write('encrypt/sig', { plaintext: b64('x') }), 'invalid_request', 'message encryption not supported for key type ed25519');
    await rejects(t.write('decrypt/a', { ciphertext: 'garbage' }), 'invalid_request', 'invalid ciphertext: no prefix');
    await rejects(t.write('decrypt/a', { ciphertext: 'vault:v9:AAAA' }), 'invalid_request', 'invalid ciphertext: version is too new');
    await rejects(t.write('decrypt/a', { ciphertext: 'vault:v1:%%%' }), 'invalid_request', 'invalid ciphertext: could not decode base64');
    await rejects(t.write('encrypt/a', { plaintext: 'not base64!' }), 'invalid_request');
    await rejects(t.write('keys/x', { type: 'aes512' }), 'invalid_request', 'unknown key type aes512');
    assert.equal(await snapshot(t), before);
  });

  it('refuses versions below min_decryption_version and rewraps to the latest', async () => {
    const t = await mountTransit();
    await t.write('keys/k', {});
    const v1 = dataOf(await t.write('encrypt/k', { plaintext: b64('old') }))['ciphertext'];
    await t.write('keys/k/rotate', {});
    const rewrapped = dataOf(await t.write('rewrap/k', { ciphertext: v1 }));
    assert.match(String(rewrapped['ciphertext']), /^vault:v2:/);
    assert.equal(rewrapped['key_version'], 2);
    await t.write('keys/k/config', { min_decryption_version: 2 });
    const before = await snapshot(t);
    await rejects(t.write('decrypt/k', { ciphertext: v1 }), 'invalid_request', 'ciphertext or signature version is disallowed by policy (too old)');
    assert.equal(await snapshot(t), before);
    assert.equal(Buffer.from(String(dataOf(await t.write('decrypt/k', { ciphertext: rewrapped['ciphertext'] }))['plaintext']), 'base64').toString(), 'old');
    await rejects(t.write('encrypt/k', { plaintext: b64('x'), key_version: 3 }), 'invalid_request', 'requested version for encryption is higher than the latest key version');
  });

  it('processes batch_input item by item, failing only the bad items', async () => {
    const t = await mountTransit();
    await t.write('keys/k', {});
    const enc = dataOf(await t.write('encrypt/k', { batch_input: [{ plaintext: b64('one'), reference: 'first' }, { plaintext: b64('two') }] }));
    const results = enc['batch_results'] as Array<Record<string, unknown>>;
    assert.equal(results.length, 2);
    assert.equal(results[0]!['reference'], 'first');
    assert.equal(results[1]!['reference'], undefined);
    const dec = await t.write('decrypt/k', { batch_input: [{ ciphertext: results[0]!['ciphertext'] }, { ciphertext: 'vault:v1:AAAA', reference: 'bad' }, { ciphertext: results[1]!['ciphertext'] }] });
    const decResults = dataOf(dec)['batch_results'] as Array<Record<string, unknown>>;
    assert.equal(Buffer.from(String(decResults[0]!['plaintext']), 'base64').toString(), 'one');
    assert.equal(decResults[1]!['error'], 'invalid ciphertext length');
    assert.equal(decResults[1]!['reference'], 'bad');
    assert.equal(Buffer.from(String(decResults[2]!['plaintext']), 'base64').toString(), 'two');
    assert.equal(dec?.statusCode, 400);
  });

  it('generates data keys, plaintext and wrapped', async () => {
    const t = await mountTransit();
    await t.write('keys/k', {});
    const plain = dataOf(await t.write('datakey/plaintext/k', { bits: 512 }));
    assert.equal(Buffer.from(String(plain['plaintext']), 'base64').length, 64);
    assert.equal(dataOf(await t.write('decrypt/k', { ciphertext: plain['ciphertext'] }))['plaintext'], plain['plaintext']);
    const wrapped = dataOf(await t.write('datakey/wrapped/k', {}));
    assert.equal(wrapped['plaintext'], undefined);
    assert.match(String(wrapped['ciphertext']), /^vault:v1:/);
    await rejects(t.write('datakey/plaintext/k', { bits: 100 }), 'invalid_request', 'invalid bits value');
  });
});
