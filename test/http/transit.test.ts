// The transit engine over real HTTP and through the real `coffer` CLI, as a
// Vault user drives it: mount, upsert-on-encrypt from the CLI, error shapes,
// and key material that never reaches physical storage in the clear.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InmemBackend } from '@coffer/server/physical/inmem.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { runCli } from '../support/coffer-process.js';

let server: InProcessServer;
let physical: InmemBackend;
let pluginDir: string;
let env: NodeJS.ProcessEnv;

const b64 = (text: string): string => Buffer.from(text).toString('base64');

before(async () => {
  pluginDir = mkdtempSync(join(tmpdir(), 'coffer-transit-plugins-'));
  physical = new InmemBackend();
  server = await startInProcessServer({ physical, plugins: { directory: pluginDir } });
  env = { VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken, HOME: pluginDir };
  const mounted = await server.request('POST', 'sys/mounts/transit', { type: 'transit' });
  assert.equal(mounted.status, 204, JSON.stringify(mounted.body));
});

after(async () => {
  await server?.close();
  rmSync(pluginDir, { recursive: true, force: true });
});

describe('transit over HTTP and the CLI', () => {
  test('coffer plugin list secret shows transit as a built-in', async () => {
    const list = await runCli(['plugin', 'list', 'secret'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^transit\s+v\d+\.\d+\.\d+\+builtin$/m);
  });

  test('coffer write transit/encrypt/k plaintext=$(base64 <<< hi) creates the key and encrypts', async () => {
    const plaintext = b64('hi\n');
    const enc = await runCli(['write', 'transit/encrypt/k', `plaintext=${plaintext}`], env);
    assert.equal(enc.code, 0, enc.stderr);
    const ciphertext = /ciphertext\s+(vault:v1:\S+)/.exec(enc.stdout)?.[1];
    assert.ok(ciphertext, enc.stdout);
    assert.match(enc.stdout, /key_version\s+1/);
    const dec = await runCli(['write', '-field=plaintext', 'transit/decrypt/k', `ciphertext=${ciphertext}`], env);
    assert.equal(dec.code, 0, dec.stderr);
    assert.equal(dec.stdout.trim(), plaintext);
    const read = await runCli(['read', '-format=json', 'transit/keys/k'], env);
    assert.equal(JSON.parse(read.stdout).data.type, 'aes256-gcm96');
  });

  test('encrypting with a missing key creates it only with the create capability', async () => {
    const policy = 'path "transit/encrypt/*" {\n  capabilities = ["update"]\n}\n';
    assert.equal((await server.request('PUT', 'sys/policies/acl/encrypt-only', { policy })).status, 204);
    const created = await server.request('POST', 'auth/token/create', { policies: ['encrypt-only'] });
    const token = created.body.auth.client_token as string;
    const denied = await server.request('POST', 'transit/encrypt/brand-new', { plaintext: b64('x') }, { token });
    assert.equal(denied.status, 403);
    assert.equal((await server.request('GET', 'transit/keys/brand-new')).status, 404);
    const allowed = await server.request('POST', 'transit/encrypt/k', { plaintext: b64('x') }, { token });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  });

  test('bad input is a 400 with Vault\'s error shape', async () => {
    await server.request('POST', 'transit/keys/other', {});
    await server.request('POST', 'transit/keys/signer', { type: 'ed25519' });
    const enc = await server.request('POST', 'transit/encrypt/k', { plaintext: b64('x') });
    const wrongKey = await server.request('POST', 'transit/decrypt/other', { ciphertext: enc.body.data.ciphertext });
    assert.equal(wrongKey.status, 400);
    assert.deepEqual(wrongKey.body, { errors: ['cipher: message authentication failed'] });
    const wrongType = await server.request('POST', 'transit/encrypt/signer', { plaintext: b64('x') });
    assert.equal(wrongType.status, 400);
    assert.deepEqual(wrongType.body, { errors: ['message encryption not supported for key type ed25519'] });
    const batch = await server.request('POST', 'transit/decrypt/k', { batch_input: [{ ciphertext: enc.body.data.ciphertext }, { ciphertext: 'junk' }] });
    assert.equal(batch.status, 400);
    assert.equal(batch.body.data.batch_results[0].plaintext, b64('x'));
    assert.equal(batch.body.data.batch_results[1].error, 'invalid ciphertext: no prefix');
    const cli = await runCli(['write', 'transit/decrypt/other', `ciphertext=${enc.body.data.ciphertext}`], env);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /cipher: message authentication failed/);
  });

  test('exported key material is nowhere in physical storage or the audit log in the clear', async () => {
    const auditLog = join(pluginDir, 'audit.log');
    const audit = await server.request('POST', 'sys/audit/file', { type: 'file', options: { file_path: auditLog } });
    assert.equal(audit.status, 204, JSON.stringify(audit.body));
    await server.request('POST', 'transit/keys/exp', { exportable: true });
    const exported = await server.request('GET', 'transit/export/encryption-key/exp/1');
    assert.equal(exported.status, 200);
    const keyB64 = exported.body.data.keys['1'] as string;
    const key = Buffer.from(keyB64, 'base64');
    let entries = 0;
    for (const name of await allKeys(physical)) {
      const value = (await physical.get(name))!.value;
      entries++;
      assert.equal(value.includes(key), false, `raw key bytes in ${name}`);
      assert.equal(value.includes(Buffer.from(keyB64)), false, `base64 key in ${name}`);
    }
    assert.ok(entries > 0);
    const log = readFileSync(auditLog, 'utf8');
    assert.match(log, /transit\/export\/encryption-key\/exp/);
    assert.equal(log.includes(keyB64), false, 'the exported key is HMAC\'d in the audit log');
    const closed = await server.request('GET', 'transit/export/encryption-key/k');
    assert.equal(closed.status, 400);
    assert.deepEqual(closed.body, { errors: ['private key material is not exportable'] });
  });
});

async function allKeys(storage: InmemBackend, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const child of await storage.list(prefix)) {
    if (child.endsWith('/')) out.push(...(await allKeys(storage, prefix + child)));
    else out.push(prefix + child);
  }
  return out;
}
