// seal "transit": a Coffer server whose root key is protected by another
// Coffer's Transit engine. Init returns recovery keys; the server unseals
// itself at start, and keeps retrying (saying why) while the transit server
// is unreachable; recovery keys authorize generate-root and their own
// rekey but cannot unseal; and `unseal -migrate` moves the seal to Shamir
// and back, with the data intact.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { decodeRootToken } from '@coffer/server/seal/root-token-otp.js';
import { eventually } from '../support/service.js';
import { vaultApi } from '../support/agent-process.js';
import { freePort, sqliteServerConfig, startCoffer, type CofferProcess } from '../support/coffer-process.js';

/** A loopback port that forwards to the transit server while `up`, and refuses connections while down. */
class SwitchableProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}
  async up(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }
  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

/** vaultApi with the body before the (optional) token, as these tests mostly call without one. */
const api = (address: string, method: string, path: string, body?: unknown, token = ''): Promise<{ status: number; body: any }> => vaultApi(address, method, path, token, body);

describe('seal "transit" (auto-unseal with recovery keys)', () => {
  let transit: InProcessServer;
  let proxy: SwitchableProxy;
  let port: number;
  let config: ReturnType<typeof sqliteServerConfig>;
  let server: CofferProcess | undefined;
  let sealToken: string;
  let rootToken: string;
  let recoveryKeys: string[];

  const sealStanza = (extra = '') =>
    `seal "transit" {\n  address = "http://127.0.0.1:${proxy.port}"\n  token = "${sealToken}"\n  key_name = "autounseal"\n  mount_path = "transit/"\n${extra}}\n`;
  const restart = async (stanza: string) => {
    await server?.stop();
    writeFileSync(config.configPath, `storage "sqlite" {\n  path = "${config.dataDir}"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n${stanza}`);
    server = await startCoffer(['server', `-config=${config.configPath}`], port);
  };
  const status = async () => (await api(server!.address, 'GET', 'sys/seal-status')).body;

  before(async () => {
    transit = await startInProcessServer();
    assert.equal((await transit.request('POST', 'sys/mounts/transit', { type: 'transit' })).status, 204);
    assert.ok((await transit.request('POST', 'transit/keys/autounseal', {})).status < 300);
    const policy = 'path "transit/encrypt/autounseal" { capabilities = ["update"] }\npath "transit/decrypt/autounseal" { capabilities = ["update"] }\n';
    assert.equal((await transit.request('PUT', 'sys/policies/acl/autounseal', { policy })).status, 204);
    sealToken = (await transit.request('POST', 'auth/token/create', { policies: ['autounseal'], ttl: '1h' })).body.auth.client_token;
    proxy = new SwitchableProxy(await freePort(), new URL(transit.address));
    await proxy.up();
    port = await freePort();
    config = sqliteServerConfig(port);
  });
  after(async () => {
    await server?.stop();
    await proxy?.down();
    await transit?.close();
    if (config) rmSync(config.dir, { recursive: true, force: true });
  });

  test('init returns recovery keys and leaves the server unsealed; seal-status says transit', async () => {
    await restart(sealStanza());
    const before = await status();
    assert.equal(before.type, 'transit');
    assert.equal(before.recovery_seal, true);
    assert.equal(before.initialized, false);
    const init = await api(server!.address, 'PUT', 'sys/init', { recovery_shares: 3, recovery_threshold: 2 });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    assert.deepEqual(init.body.keys, []);
    assert.equal(init.body.recovery_keys.length, 3);
    assert.equal(init.body.recovery_keys_base64.length, 3);
    recoveryKeys = init.body.recovery_keys;
    rootToken = init.body.root_token;
    const after = await status();
    assert.equal(after.sealed, false);
    assert.equal(after.t, 2);
    assert.equal(after.n, 3);
    assert.equal(after.recovery_seal_type, 'shamir');
    assert.equal((await api(server!.address, 'POST', 'sys/mounts/secret', { type: 'kv', options: { version: '2' } }, rootToken)).status, 204);
    assert.equal((await api(server!.address, 'POST', 'secret/data/app', { data: { password: 'kept' } }, rootToken)).status, 200);
  });

  test('a restart unseals by itself, also after the transit key was rotated', async () => {
    assert.equal((await transit.request('POST', 'transit/keys/autounseal/rotate', {})).status, 200);
    await restart(sealStanza());
    assert.ok(await eventually(async () => (await status()).sealed === false, 15_000), 'the server did not unseal itself');
    assert.equal((await api(server!.address, 'GET', 'secret/data/app', undefined, rootToken)).body.data.data.password, 'kept');
  });

  test('with the transit server unreachable it stays sealed, says why, refuses recovery keys, and unseals once it is back', async () => {
    await proxy.down();
    await restart(sealStanza());
    assert.ok(await eventually(async () => /auto-unseal failed/.test(server!.output()), 10_000), server!.output());
    assert.match(server!.output(), /cannot be reached/);
    assert.equal((await status()).sealed, true);
    const refused = await api(server!.address, 'PUT', 'sys/unseal', { key: recoveryKeys[0] });
    assert.equal(refused.status, 400);
    assert.match(refused.body.errors[0], /recovery keys cannot unseal it/);
    assert.doesNotMatch(server!.output(), new RegExp(sealToken), 'the seal token must not be logged');
    await proxy.up();
    assert.ok(await eventually(async () => (await status()).sealed === false, 15_000), 'the server did not unseal after the transit server came back');
  });

  test('generate-root takes recovery keys; a wrong key is refused', async () => {
    const start = await api(server!.address, 'PUT', 'sys/generate-root/attempt', {});
    assert.equal(start.status, 200, JSON.stringify(start.body));
    assert.equal(start.body.required, 2);
    let last: any;
    for (const key of recoveryKeys.slice(0, 2)) last = await api(server!.address, 'PUT', 'sys/generate-root/update', { key, nonce: start.body.nonce });
    assert.equal(last.status, 200, JSON.stringify(last.body));
    assert.equal(last.body.complete, true);
    const newRoot = decodeRootToken(last.body.encoded_token, start.body.otp);
    assert.deepEqual((await api(server!.address, 'GET', 'auth/token/lookup-self', undefined, newRoot)).body.data.policies, ['root']);

    const again = await api(server!.address, 'PUT', 'sys/generate-root/attempt', {});
    const bogus = Buffer.alloc(33, 7).toString('hex');
    await api(server!.address, 'PUT', 'sys/generate-root/update', { key: recoveryKeys[0], nonce: again.body.nonce });
    const wrong = await api(server!.address, 'PUT', 'sys/generate-root/update', { key: bogus, nonce: again.body.nonce });
    assert.equal(wrong.status, 400);
  });

  test('recovery keys are rekeyed through sys/rekey-recovery-key; sys/rekey says so', async () => {
    const barrier = await api(server!.address, 'PUT', 'sys/rekey/init', { secret_shares: 2, secret_threshold: 2 });
    assert.equal(barrier.status, 400);
    assert.match(barrier.body.errors[0], /rekey-recovery-key/);
    const init = await api(server!.address, 'PUT', 'sys/rekey-recovery-key/init', { secret_shares: 2, secret_threshold: 2 });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    let last: any;
    for (const key of recoveryKeys.slice(0, 2)) last = await api(server!.address, 'PUT', 'sys/rekey-recovery-key/update', { key, nonce: init.body.nonce });
    assert.equal(last.body.complete, true, JSON.stringify(last.body));
    recoveryKeys = last.body.keys;
    assert.equal(recoveryKeys.length, 2);
    const now = await status();
    assert.equal(now.n, 2);
    assert.equal(now.t, 2);
  });

  test('unseal -migrate moves the seal to Shamir (recovery keys become unseal keys) and back', async () => {
    await restart(sealStanza('  disabled = "true"\n'));
    const pending = await status();
    assert.equal(pending.sealed, true);
    assert.equal(pending.migration, true);
    const withoutFlag = await api(server!.address, 'PUT', 'sys/unseal', { key: recoveryKeys[0] });
    assert.equal(withoutFlag.status, 400);
    assert.match(withoutFlag.body.errors[0], /migrate/);
    let last: any;
    for (const key of recoveryKeys) last = await api(server!.address, 'PUT', 'sys/unseal', { key, migrate: true });
    assert.equal(last.status, 200, JSON.stringify(last.body));
    assert.equal(last.body.sealed, false);
    assert.equal(last.body.type, 'shamir');
    assert.equal((await api(server!.address, 'GET', 'secret/data/app', undefined, rootToken)).body.data.data.password, 'kept');

    // Plain Shamir now: the same keys unseal it after a restart without any seal stanza.
    await restart('');
    for (const key of recoveryKeys) last = await api(server!.address, 'PUT', 'sys/unseal', { key });
    assert.equal(last.body.sealed, false);

    // And back to transit: the unseal keys become the recovery keys.
    await restart(sealStanza());
    assert.equal((await status()).migration, true);
    for (const key of recoveryKeys) last = await api(server!.address, 'PUT', 'sys/unseal', { key, migrate: true });
    assert.equal(last.body.sealed, false, JSON.stringify(last.body));
    assert.equal(last.body.type, 'transit');
    await restart(sealStanza());
    assert.ok(await eventually(async () => (await status()).sealed === false, 15_000));
    assert.equal((await api(server!.address, 'GET', 'secret/data/app', undefined, rootToken)).body.data.data.password, 'kept');
  });
});
