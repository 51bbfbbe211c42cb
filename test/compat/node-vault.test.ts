// Black-box compatibility: a real `coffer server` process driven by node-vault, as a user would.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freePort, sqliteServerConfig, startCoffer, type CofferProcess } from '../support/coffer-process.js';

const require = createRequire(import.meta.url);
const nodeVault = require('node-vault') as (opts: { apiVersion: string; endpoint: string; token?: string }) => any;

let server: CofferProcess;
let dir: string;
let vault: any;
let unsealKeys: string[] = [];
let rootToken = '';

before(async () => {
  const port = await freePort();
  const cfg = sqliteServerConfig(port);
  dir = cfg.dir;
  server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
  vault = nodeVault({ apiVersion: 'v1', endpoint: server.address });
});

after(async () => {
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('init, unseal and status', async () => {
  assert.equal((await vault.initialized()).initialized, false);
  const init = await vault.init({ secret_shares: 3, secret_threshold: 2 });
  assert.equal(init.keys.length, 3);
  assert.equal(init.keys_base64.length, 3);
  assert.match(init.root_token, /^hvs\./);
  unsealKeys = init.keys;
  rootToken = init.root_token;
  assert.equal((await vault.status()).sealed, true);
  const first = await vault.unseal({ secret_shares: 1, key: unsealKeys[0] });
  assert.equal(first.sealed, true);
  assert.equal(first.progress, 1);
  const second = await vault.unseal({ secret_shares: 1, key: unsealKeys[2] });
  assert.equal(second.sealed, false);
  vault.token = rootToken;
  const health = await vault.health();
  assert.equal(health.initialized, true);
  assert.equal(health.sealed, false);
});

test('mounts and KV v2', async () => {
  await vault.mount({ mount_point: 'kv2', type: 'kv', options: { version: '2' }, description: 'compat' });
  const mounts = await vault.mounts();
  assert.equal(mounts.data['kv2/'].type, 'kv');
  assert.equal(mounts['kv2/'].options.version, '2');
  await vault.write('kv2/data/app/config', { data: { user: 'app', password: 'p4ss' } });
  const read = await vault.read('kv2/data/app/config');
  assert.deepEqual(read.data.data, { user: 'app', password: 'p4ss' });
  assert.equal(read.data.metadata.version, 1);
  const listed = await vault.list('kv2/metadata/app');
  assert.deepEqual(listed.data.keys, ['config']);
  await vault.delete('kv2/metadata/app/config');
  await assert.rejects(vault.read('kv2/data/app/config'), (err: any) => err.response?.statusCode === 404);
});

test('KV v1 mount', async () => {
  await vault.mount({ mount_point: 'kv1', type: 'kv' });
  await vault.write('kv1/team/db', { password: 'v1-secret' });
  assert.equal((await vault.read('kv1/team/db')).data.password, 'v1-secret');
  assert.deepEqual((await vault.list('kv1/team')).data.keys, ['db']);
});

test('policies and tokens', async () => {
  await vault.addPolicy({ name: 'kv-reader', rules: 'path "kv1/team/*" {\n  capabilities = ["read", "list"]\n}\n' });
  assert.ok((await vault.policies()).policies.includes('kv-reader'));
  assert.match((await vault.getPolicy({ name: 'kv-reader' })).rules, /kv1\/team/);
  const created = await vault.tokenCreate({ policies: ['kv-reader'], ttl: '1h' });
  const token = created.auth.client_token as string;
  // node-vault's token-creating calls switch the client to the new token (tokenSource): switch back.
  assert.equal(vault.token, token);
  vault.token = rootToken;
  assert.deepEqual(created.auth.policies.sort(), ['default', 'kv-reader']);
  const reader = nodeVault({ apiVersion: 'v1', endpoint: server.address, token });
  assert.equal((await reader.read('kv1/team/db')).data.password, 'v1-secret');
  await assert.rejects(reader.write('kv1/team/db', { password: 'x' }), (err: any) => err.response?.statusCode === 403);
  const self = await reader.tokenLookupSelf();
  assert.equal(self.data.display_name, 'token');
  const renewed = await reader.tokenRenewSelf({ increment: '30m' });
  assert.ok(renewed.auth.lease_duration > 0);
  await vault.tokenRevoke({ token });
  await assert.rejects(reader.tokenLookupSelf(), (err: any) => err.response?.statusCode === 403);
});

test('userpass login', async () => {
  await vault.enableAuth({ mount_point: 'userpass', type: 'userpass' });
  await vault.write('auth/userpass/users/alice', { password: 'wonderland', token_policies: 'kv-reader' });
  const login = await vault.userpassLogin({ username: 'alice', password: 'wonderland' });
  assert.match(login.auth.client_token, /^hvs\./);
  assert.ok(login.auth.policies.includes('kv-reader'));
  // node-vault's login helpers switch the client to the new token, as a user's app would.
  assert.equal(vault.token, login.auth.client_token);
  vault.token = rootToken;
  const auths = await vault.auths();
  assert.equal(auths['userpass/'].type, 'userpass');
  await assert.rejects(vault.userpassLogin({ username: 'alice', password: 'wrong' }), (err: any) => err.response?.statusCode === 400);
  vault.token = rootToken;
});

test('approle login', async () => {
  await vault.enableAuth({ mount_point: 'approle', type: 'approle' });
  // node-vault sends only the fields its schema knows: the legacy `policies` field.
  await vault.addApproleRole({ role_name: 'ci', policies: 'kv-reader' });
  const roleId = (await vault.getApproleRoleId({ role_name: 'ci' })).data.role_id;
  const secretId = (await vault.getApproleRoleSecret({ role_name: 'ci' })).data.secret_id;
  const login = await vault.approleLogin({ role_id: roleId, secret_id: secretId });
  assert.ok(login.auth.policies.includes('kv-reader'));
  assert.equal(vault.token, login.auth.client_token);
  vault.token = rootToken;
});

test('response wrapping and unwrap', async () => {
  const wrapped = await vault.request({ path: '/kv1/team/db', method: 'GET', headers: { 'X-Vault-Wrap-TTL': '5m' } });
  assert.equal(wrapped.data, null);
  assert.ok(wrapped.wrap_info.token);
  const unwrapped = await vault.unwrap({ token: wrapped.wrap_info.token });
  assert.equal(unwrapped.data.password, 'v1-secret');
  await assert.rejects(vault.unwrap({ token: wrapped.wrap_info.token }), (err: any) => err.response?.statusCode === 400);
});

test('seal and unseal again keeps the data', async () => {
  await vault.seal();
  assert.equal((await vault.status()).sealed, true);
  await assert.rejects(vault.read('kv1/team/db'), (err: any) => err.response?.statusCode === 503);
  await vault.unseal({ secret_shares: 1, key: unsealKeys[1] });
  await vault.unseal({ secret_shares: 1, key: unsealKeys[0] });
  assert.equal((await vault.read('kv1/team/db')).data.password, 'v1-secret');
});
