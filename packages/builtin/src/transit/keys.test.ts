import assert from 'node:assert/strict';
import { constants, createCipheriv, createPrivateKey, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { InmemStorage } from '@coffer/sdk';
import { assertRejectsWithCode as rejects, type TestBackend } from '@coffer/sdk/testing/index.js';
import { b64, dataOf, mountTransit, snapshot } from './test-mount.js';

/** Wrap key bytes for keys/:name/import as Vault documents: RSA-OAEP(SHA-256) of an AES-256 key, then AES-KWP. */
async function wrapForImport(t: TestBackend, keyBytes: Buffer): Promise<string> {
  const pem = String(dataOf(await t.read('wrapping_key'))['public_key']);
  const ephemeral = randomBytes(32);
  const wrappedEphemeral = publicEncrypt({ key: pem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, ephemeral);
  const kwp = createCipheriv('id-aes256-wrap-pad', ephemeral, Buffer.from('a65959a6', 'hex'));
  return Buffer.concat([wrappedEphemeral, kwp.update(keyBytes), kwp.final()]).toString('base64');
}

function exported(resp: Record<string, unknown>, version = '1'): string {
  return String((resp['keys'] as Record<string, string>)[version]);
}

describe('transit keys', () => {
  it('creates, lists, reads and deletes keys; reading never shows key material', async () => {
    const t = await mountTransit();
    await t.write('keys/a', {});
    await t.write('keys/b', { type: 'ecdsa-p256' });
    assert.deepEqual(dataOf(await t.list('keys/'))['keys'], ['a', 'b']);
    const a = dataOf(await t.read('keys/a'));
    assert.equal(a['type'], 'aes256-gcm96');
    assert.equal(a['supports_encryption'], true);
    assert.equal(a['exportable'], false);
    assert.equal(typeof (a['keys'] as Record<string, unknown>)['1'], 'number');
    const b = (dataOf(await t.read('keys/b'))['keys'] as Record<string, Record<string, string>>)['1']!;
    assert.match(b['public_key']!, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(b['name'], 'P-256');
    await rejects(t.delete('keys/a'), 'invalid_request', 'error deleting policy a: deletion is not allowed for this policy');
    await t.write('keys/a/config', { deletion_allowed: true });
    await t.delete('keys/a');
    assert.equal(await t.read('keys/a').catch((e: { code: string }) => e.code), 'not_found');
  });

  it('configures version limits and refuses invalid ones without writing', async () => {
    const t = await mountTransit();
    await t.write('keys/k', {});
    await t.write('keys/k/rotate', {});
    await t.write('keys/k/rotate', {});
    const before = await snapshot(t);
    await rejects(t.write('keys/k/config', { min_decryption_version: 4 }), 'invalid_request', 'cannot set min decryption version of 4, latest key version is 3');
    await rejects(t.write('keys/k/config', { min_decryption_version: 3, min_encryption_version: 2 }), 'invalid_request', /min encryption version of 2 must be greater than or equal to min decryption version of 3/);
    await rejects(t.write('keys/k/config', { auto_rotate_period: '10m' }), 'invalid_request', 'auto rotate period must be 0 to disable or at least an hour');
    assert.equal(await snapshot(t), before);
    const conf = dataOf(await t.write('keys/k/config', { min_decryption_version: 2, min_encryption_version: 3, exportable: true }));
    assert.equal(conf['min_decryption_version'], 2);
    await rejects(t.write('keys/k/config', { exportable: false }), 'invalid_request', 'export cannot be disabled on a key that has had it enabled');
    await rejects(t.write('encrypt/k', { plaintext: b64('x'), key_version: 2 }), 'invalid_request', 'requested version for encryption is less than the minimum encryption key version');
  });

  it('archives versions below min_decryption_version, as Vault does, and brings them back', async () => {
    const t = await mountTransit();
    await t.write('keys/k', { exportable: true, allow_plaintext_backup: true });
    const v1 = dataOf(await t.write('encrypt/k', { plaintext: b64('one') }))['ciphertext'];
    await t.write('keys/k/rotate', {});
    await t.write('keys/k/rotate', {});
    const raised = dataOf(await t.write('keys/k/config', { min_decryption_version: 3 }));
    assert.deepEqual(Object.keys(raised['keys'] as object), ['3']);
    assert.deepEqual(Object.keys(dataOf(await t.read('keys/k'))['keys'] as object), ['3']);
    assert.deepEqual(await t.storage.list('archive/'), ['k']);
    const backup = dataOf(await t.read('backup/k'))['backup'];
    await t.write('keys/k/config', { min_decryption_version: 1 });
    assert.deepEqual(Object.keys(dataOf(await t.read('keys/k'))['keys'] as object), ['1', '2', '3']);
    assert.deepEqual(await t.storage.list('archive/'), []);
    assert.equal(dataOf(await t.write('decrypt/k', { ciphertext: v1 }))['plaintext'], b64('one'));
    // The backup taken while versions were archived still holds them.
    const other = await mountTransit();
    await other.write('restore', { backup });
    await other.write('keys/k/config', { min_decryption_version: 1 });
    assert.equal(dataOf(await other.write('decrypt/k', { ciphertext: v1 }))['plaintext'], b64('one'));
    await t.write('keys/k/config', { min_decryption_version: 2, deletion_allowed: true });
    await t.delete('keys/k');
    assert.deepEqual(await t.storage.list(''), []);
  });

  it('trims old versions for good', async () => {
    const t = await mountTransit();
    await t.write('keys/k', { exportable: true });
    const v1 = dataOf(await t.write('encrypt/k', { plaintext: b64('x') }))['ciphertext'];
    await t.write('keys/k/rotate', {});
    await rejects(t.write('keys/k/trim', { min_available_version: 2 }), 'invalid_request', 'minimum available version cannot be greater than minimum decryption version');
    await t.write('keys/k/config', { min_decryption_version: 2 });
    const trimmed = dataOf(await t.write('keys/k/trim', { min_available_version: 2 }));
    assert.deepEqual(Object.keys(trimmed['keys'] as object), ['2']);
    assert.deepEqual(Object.keys(dataOf(await t.read('export/encryption-key/k'))['keys'] as object), ['2']);
    await rejects(t.write('decrypt/k', { ciphertext: v1 }), 'invalid_request', 'ciphertext or signature version is disallowed by policy (too old)');
  });

  it('exports only exportable keys, in Vault\'s formats', async () => {
    const t = await mountTransit();
    await t.write('keys/closed', {});
    await rejects(t.read('export/encryption-key/closed'), 'invalid_request', 'private key material is not exportable');
    await rejects(t.read('export/public-key/closed'), 'invalid_request', 'public key export not supported for the key type');
    await rejects(t.read('export/bogus/closed'), 'invalid_request', 'invalid export type: bogus');
    await t.write('keys/ec', { type: 'ecdsa-p384', exportable: true });
    assert.match(exported(dataOf(await t.read('export/signing-key/ec/latest'))), /^-----BEGIN EC PRIVATE KEY-----/);
    await rejects(t.read('export/encryption-key/ec'), 'invalid_request', 'encryption not supported for the key');
    await t.write('keys/rsa', { type: 'rsa-2048', exportable: true });
    assert.match(exported(dataOf(await t.read('export/encryption-key/rsa'))), /^-----BEGIN RSA PRIVATE KEY-----/);
    await t.write('keys/ed', { type: 'ed25519', exportable: true });
    assert.equal(Buffer.from(exported(dataOf(await t.read('export/signing-key/ed'))), 'base64').length, 64);
  });

  it('backs up and restores a key with all its versions', async () => {
    const t = await mountTransit();
    await t.write('keys/k', {});
    await rejects(t.read('backup/k'), 'invalid_request', 'exporting is disallowed on the policy');
    await t.write('keys/k/config', { exportable: true, allow_plaintext_backup: true });
    const v1 = dataOf(await t.write('encrypt/k', { plaintext: b64('one') }))['ciphertext'];
    await t.write('keys/k/rotate', {});
    const { backup } = dataOf(await t.read('backup/k'));
    const other = await mountTransit();
    await other.write('restore', { backup });
    await other.write('restore/copy', { backup });
    for (const name of ['k', 'copy']) {
      assert.equal(Buffer.from(String(dataOf(await other.write(`decrypt/${name}`, { ciphertext: v1 }))['plaintext']), 'base64').toString(), 'one');
    }
    await rejects(other.write('restore', { backup }), 'invalid_request', 'key "k" already exists');
    await other.write('restore', { backup, force: true });
    await rejects(other.write('restore', { backup: b64('{"policy":{}}') }), 'invalid_request', 'failed to decode backup: not a transit key backup');
    const damaged = JSON.parse(Buffer.from(String(backup), 'base64').toString());
    damaged.policy.keys['1'].key = b64('short');
    await rejects(other.write('restore/damaged', { backup: b64(JSON.stringify(damaged)) }), 'invalid_request', /version 1: invalid key size 5 bytes/);
  });

  it('imports wrapped keys (BYOK) and round-trips exported keys through import', async () => {
    const t = await mountTransit();
    await t.write('keys/src', { exportable: true });
    const ct = dataOf(await t.write('encrypt/src', { plaintext: b64('moved') }))['ciphertext'];
    const aesKey = Buffer.from(exported(dataOf(await t.read('export/encryption-key/src'))), 'base64');
    await t.write('keys/dst/import', { ciphertext: await wrapForImport(t, aesKey) });
    assert.equal(Buffer.from(String(dataOf(await t.write('decrypt/dst', { ciphertext: ct }))['plaintext']), 'base64').toString(), 'moved');
    assert.equal(dataOf(await t.read('keys/dst'))['imported_key'], true);
    await rejects(t.write('keys/dst/rotate', {}), 'invalid_request', 'imported key dst does not allow rotation within Vault');
    await rejects(t.write('keys/dst/config', { auto_rotate_period: '2h' }), 'invalid_request', /imported key that does not allow rotation/);
    await rejects(t.write('keys/dst/import', { ciphertext: await wrapForImport(t, aesKey) }), 'invalid_request', /cannot be used with an existing key/);

    // Asymmetric keys travel as PKCS#8: export, convert, import, and verify the old signature.
    for (const [type, format] of [['ecdsa-p256', 'sec1'], ['rsa-2048', 'pkcs1'], ['ed25519', 'raw']] as const) {
      await t.write(`keys/s-${type}`, { type, exportable: true });
      const { signature } = dataOf(await t.write(`sign/s-${type}`, { input: b64('m') }));
      const text = exported(dataOf(await t.read(`export/signing-key/s-${type}`)));
      const privateKey =
        format === 'raw'
          ? createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(text, 'base64').subarray(0, 32)]), format: 'der', type: 'pkcs8' })
          : createPrivateKey(text);
      const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
      await t.write(`keys/i-${type}/import`, { type, ciphertext: await wrapForImport(t, pkcs8), allow_rotation: true });
      assert.equal(dataOf(await t.write(`verify/i-${type}`, { input: b64('m'), signature }))['valid'], true, type);
    }
    await t.write('keys/i-ed25519/rotate', {});

    const before = await snapshot(t);
    await rejects(t.write('keys/bad/import', { type: 'ecdsa-p256', ciphertext: await wrapForImport(t, aesKey) }), 'invalid_request', /error parsing asymmetric key/);
    await rejects(t.write('keys/bad/import', { ciphertext: await wrapForImport(t, Buffer.alloc(16)) }), 'invalid_request', 'invalid key size 16 bytes for key type aes256-gcm96');
    await rejects(t.write('keys/bad/import', { ciphertext: b64('short') }), 'invalid_request', 'provided ciphertext is too short');
    assert.equal(await snapshot(t), before);
  });

  it('imports public keys for verification, then completes them with import_version', async () => {
    const t = await mountTransit();
    await t.write('keys/src', { type: 'ecdsa-p256', exportable: true });
    const pem = (dataOf(await t.read('keys/src'))['keys'] as Record<string, Record<string, string>>)['1']!['public_key'];
    const { signature } = dataOf(await t.write('sign/src', { input: b64('m') }));
    await t.write('keys/pub/import', { type: 'ecdsa-p256', public_key: pem });
    assert.equal(dataOf(await t.write('verify/pub', { input: b64('m'), signature }))['valid'], true);
    await rejects(t.write('sign/pub', { input: b64('m') }), 'invalid_request', /only a public key was imported/);
    const pkcs8 = createPrivateKey(exported(dataOf(await t.read('export/signing-key/src')))).export({ format: 'der', type: 'pkcs8' });
    await t.write('keys/pub/import_version', { version: 1, ciphertext: await wrapForImport(t, pkcs8) });
    assert.match(String(dataOf(await t.write('sign/pub', { input: b64('m') }))['signature']), /^vault:v1:/);
  });

  it('rotates automatically from the periodic function, also after a restart', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const storage = new InmemStorage();
    const t = await mountTransit({ now: () => now }, storage);
    await t.write('keys/auto', { auto_rotate_period: '1h' });
    await t.write('keys/manual', {});
    await t.request('rollback', '', {});
    assert.equal(dataOf(await t.read('keys/auto'))['latest_version'], 1);
    now = new Date(now.getTime() + 3600_000);
    // A new backend on the same storage: nothing but stored state decides.
    const restarted = await mountTransit({ now: () => now }, storage);
    await restarted.request('rollback', '', {});
    assert.equal(dataOf(await restarted.read('keys/auto'))['latest_version'], 2);
    assert.equal(dataOf(await restarted.read('keys/manual'))['latest_version'], 1);
    await restarted.request('rollback', '', {});
    assert.equal(dataOf(await restarted.read('keys/auto'))['latest_version'], 2);
  });

  it('configures the key cache size', async () => {
    const t = await mountTransit();
    assert.equal(dataOf(await t.read('cache-config'))['size'], 0);
    await rejects(t.write('cache-config', { size: 5 }), 'invalid_request', 'size must be 0 or a value greater or equal to 10');
    await t.write('cache-config', { size: 20 });
    assert.equal(dataOf(await t.read('cache-config'))['size'], 20);
    assert.equal(dataOf(await t.read('cache/config'))['size'], 20);
  });
});
