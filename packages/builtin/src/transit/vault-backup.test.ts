import assert from 'node:assert/strict';
import { constants, createCipheriv, createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { assertRejectsWithCode as rejects } from '@coffer/sdk/testing/index.js';
import { b64, dataOf, mountTransit } from './test-mount.js';

const big = (b64url: string | undefined): string => BigInt(`0x${Buffer.from(b64url ?? '', 'base64url').toString('hex')}`).toString(10);

/** One key entry as Vault's keysutil writes it (Go's encoding/json field order and null fields). */
function vaultEntry(fields: { key?: string; ec?: { x: string; y: string; d: string }; rsa?: string; publicKey?: string }, hmacKey: string): string {
  const ec = fields.ec ?? { x: 'null', y: 'null', d: 'null' };
  return `{"key":${fields.key ? JSON.stringify(fields.key) : 'null'},"hmac_key":${JSON.stringify(hmacKey)},"time":"2024-03-01T10:00:00.123456789Z","ec_x":${ec.x},"ec_y":${ec.y},"ec_d":${ec.d},"rsa_key":${fields.rsa ?? 'null'},"public_key":${JSON.stringify(fields.publicKey ?? '')},"convergent_version":0,"creation_time":1709287200}`;
}

const EMPTY = '{"key":null,"hmac_key":null,"time":"0001-01-01T00:00:00Z","ec_x":null,"ec_y":null,"ec_d":null,"rsa_key":null,"public_key":"","convergent_version":0,"creation_time":0}';

/** A whole backup in Vault's layout: version 1 in the policy and in the archive after the empty version 0. */
function vaultBackup(name: string, type: number, entry: string): string {
  const json =
    `{"policy":{"name":"${name}","keys":{"1":${entry}},"derived":false,"kdf":0,"convergent_encryption":false,"exportable":true,` +
    `"min_decryption_version":1,"min_encryption_version":0,"latest_version":1,"archive_version":1,"archive_min_version":0,"min_available_version":0,` +
    `"deletion_allowed":false,"convergent_version":0,"type":${type},"backup_info":{"time":"2024-03-01T10:05:00Z","version":1},"restore_info":null,` +
    `"allow_plaintext_backup":true,"version_template":"","storage_prefix":"","auto_rotate_period":0,"Imported":false,"AllowImportedKeyRotation":false},` +
    `"archived_keys":{"keys":[${EMPTY},${entry}]}}`;
  return Buffer.from(json).toString('base64');
}

function vaultCiphertext(key: Buffer, plaintext: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `vault:v1:${Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64')}`;
}

describe('transit backups in Vault\'s format', () => {
  it('restores keys from backups in Vault\'s layout, for every kind of key material', async () => {
    const t = await mountTransit();
    const hmacKey = randomBytes(32);
    const message = Buffer.from('migrated from Vault');

    const aes = randomBytes(32);
    await t.write('restore', { backup: vaultBackup('aes', 0, vaultEntry({ key: aes.toString('base64') }, hmacKey.toString('base64'))) });
    const ct = vaultCiphertext(aes, 'secret');
    assert.equal(Buffer.from(String(dataOf(await t.write('decrypt/aes', { ciphertext: ct }))['plaintext']), 'base64').toString(), 'secret');
    assert.equal(dataOf(await t.write('hmac/aes', { input: b64(message) }))['hmac'], `vault:v1:${createHmac('sha256', hmacKey).update(message).digest('base64')}`);

    // An hmac key signs with its key, whatever Vault wrote as its hmac_key.
    const hmacTypeKey = randomBytes(48);
    await t.write('restore', { backup: vaultBackup('mac', 11, vaultEntry({ key: hmacTypeKey.toString('base64') }, randomBytes(32).toString('base64'))) });
    assert.equal(dataOf(await t.write('hmac/mac', { input: b64(message) }))['hmac'], `vault:v1:${createHmac('sha256', hmacTypeKey).update(message).digest('base64')}`);
    assert.equal(dataOf(await t.read('keys/mac'))['key_size'], 48);

    const ed = generateKeyPairSync('ed25519');
    const edJwk = ed.privateKey.export({ format: 'jwk' });
    const edKey = Buffer.concat([Buffer.from(edJwk.d!, 'base64url'), Buffer.from(edJwk.x!, 'base64url')]).toString('base64');
    await t.write('restore', { backup: vaultBackup('ed', 2, vaultEntry({ key: edKey, publicKey: Buffer.from(edJwk.x!, 'base64url').toString('base64') }, hmacKey.toString('base64'))) });
    await assertVerifies(t, 'ed', message, sign(null, message, ed.privateKey));

    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const ecJwk = ec.privateKey.export({ format: 'jwk' });
    await t.write('restore', { backup: vaultBackup('ec', 1, vaultEntry({ ec: { x: big(ecJwk.x), y: big(ecJwk.y), d: big(ecJwk.d) } }, hmacKey.toString('base64'))) });
    await assertVerifies(t, 'ec', message, sign('sha256', message, ec.privateKey));
    assert.equal(publicPem(await t.read('keys/ec')), ec.publicKey.export({ format: 'pem', type: 'spki' }));

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const j = rsa.privateKey.export({ format: 'jwk' });
    const rsaJson = `{"N":${big(j.n)},"E":65537,"D":${big(j.d)},"Primes":[${big(j.p)},${big(j.q)}],"Precomputed":{"Dp":${big(j.dp)},"Dq":${big(j.dq)},"Qinv":${big(j.qi)},"CRTValues":[]}}`;
    await t.write('restore', { backup: vaultBackup('rsa', 3, vaultEntry({ rsa: rsaJson }, hmacKey.toString('base64'))) });
    await assertVerifies(t, 'rsa', message, sign('sha256', message, { key: rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    assert.equal(publicPem(await t.read('keys/rsa')), rsa.publicKey.export({ format: 'pem', type: 'spki' }));
  });

  it('writes backups in Vault\'s layout: numbered type, big integers as literals, archive from version 0', async () => {
    const t = await mountTransit();
    await t.write('keys/ec', { type: 'ecdsa-p384', exportable: true, allow_plaintext_backup: true, auto_rotate_period: '2h' });
    const text = Buffer.from(String(dataOf(await t.read('backup/ec'))['backup']), 'base64').toString();
    assert.match(text, /"ec_x":\d{80,},"ec_y":\d{80,},"ec_d":\d{80,}/);
    assert.match(text, /"type":6,/);
    assert.match(text, /"kdf":1,/);
    assert.match(text, /"auto_rotate_period":7200000000000,/);
    assert.match(text, /"archived_keys":\{"keys":\[\{"key":null,"hmac_key":null,"time":"0001-01-01T00:00:00Z"/);
  });

  it('round-trips every key type through backup and restore with its ciphertexts, signatures and HMACs', async () => {
    const source = await mountTransit();
    const target = await mountTransit();
    const settings = { exportable: true, allow_plaintext_backup: true };
    for (const type of ['aes128-gcm96', 'chacha20-poly1305', 'rsa-3072', 'ed25519', 'ecdsa-p521', 'hmac']) {
      await source.write(`keys/${type}`, { type, ...settings });
      await source.write(`keys/${type}/rotate`, {});
      const hmac = dataOf(await source.write(`hmac/${type}`, { input: b64('m'), key_version: 1 }))['hmac'];
      await target.write('restore', { backup: dataOf(await source.read(`backup/${type}`))['backup'] });
      assert.equal(dataOf(await target.write(`hmac/${type}`, { input: b64('m'), key_version: 1 }))['hmac'], hmac, type);
      assert.equal(dataOf(await target.read(`keys/${type}`))['latest_version'], 2);
      if (type.startsWith('aes') || type.startsWith('chacha') || type.startsWith('rsa')) {
        const ct = dataOf(await source.write(`encrypt/${type}`, { plaintext: b64('p') }))['ciphertext'];
        assert.equal(dataOf(await target.write(`decrypt/${type}`, { ciphertext: ct }))['plaintext'], b64('p'), type);
      }
      if (type === 'ed25519' || type.startsWith('ecdsa') || type.startsWith('rsa')) {
        const { signature } = dataOf(await source.write(`sign/${type}`, { input: b64('m') }));
        assert.equal(dataOf(await target.write(`verify/${type}`, { input: b64('m'), signature }))['valid'], true, type);
      }
    }
    await source.write('keys/conv', { derived: true, convergent_encryption: true, ...settings });
    const ct = dataOf(await source.write('encrypt/conv', { plaintext: b64('same'), context: b64('c') }))['ciphertext'];
    await target.write('restore', { backup: dataOf(await source.read('backup/conv'))['backup'] });
    assert.equal(dataOf(await target.write('encrypt/conv', { plaintext: b64('same'), context: b64('c') }))['ciphertext'], ct);
  });

  it('refuses what cannot be restored, writing nothing', async () => {
    const t = await mountTransit();
    await rejects(t.write('restore', { backup: b64('{"policy":{"name":"m","type":10,"keys":{}}}') }), 'invalid_request', /managed keys/);
    const derivedLegacy = Buffer.from(vaultBackup('old', 0, vaultEntry({ key: randomBytes(32).toString('base64') }, randomBytes(32).toString('base64'))), 'base64').toString().replace('"derived":false', '"derived":true');
    await rejects(t.write('restore', { backup: b64(derivedLegacy) }), 'invalid_request', /legacy counter-mode KDF/);
    await rejects(t.write('restore', { backup: vaultBackup('short', 0, vaultEntry({ key: b64('short') }, randomBytes(32).toString('base64'))) }), 'invalid_request', /version 1: invalid key size 5 bytes/);
    await rejects(t.write('restore', { backup: b64('{"policy":{"name":"x","type":0,"keys":{},"latest_version":1},"archived_keys":{"keys":{}}}') }), 'invalid_request', /failed to decode backup/);
    await rejects(t.write('restore', { backup: b64('{"policy":{"name":"x","type":0,"keys":{"1":{"key":"' + randomBytes(32).toString('base64') + '","time":5,"creation_time":"x"}},"latest_version":1}}') }), 'invalid_request', /failed to decode backup/);
    await rejects(t.write('restore', { backup: b64('7') }), 'invalid_request', /failed to decode backup/);
    await rejects(t.write('restore', { backup: b64('{"policy":{"name":"x","type":0,"keys":{},"latest_version":1,"min_decryption_version":"1"}}') }), 'invalid_request', 'failed to decode backup: min_decryption_version must be a non-negative integer');
    const renamed = Buffer.from(vaultBackup('../escape', 0, vaultEntry({ key: randomBytes(32).toString('base64') }, randomBytes(32).toString('base64'))), 'base64').toString();
    await rejects(t.write('restore', { backup: b64(renamed) }), 'invalid_request', 'invalid key name "../escape"');
    assert.deepEqual(await t.storage.list('policy/'), []);
  });
});

function publicPem(resp: unknown): string {
  return ((resp as { data: { keys: Record<string, { public_key: string }> } }).data.keys['1']!.public_key);
}

async function assertVerifies(t: Awaited<ReturnType<typeof mountTransit>>, name: string, message: Buffer, signature: Buffer): Promise<void> {
  const resp = await t.write(`verify/${name}`, { input: message.toString('base64'), signature: `vault:v1:${signature.toString('base64')}` });
  assert.equal(dataOf(resp)['valid'], true, name);
}

