// The README's tour, run with the real `coffer` CLI against real server processes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, sqliteServerConfig, startCoffer, type CofferProcess } from '../support/coffer-process.js';

let dev: CofferProcess;
let home: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'coffer-cli-home-'));
  const port = await freePort();
  dev = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=tour-root'], port, { HOME: home });
  env = { HOME: home, VAULT_ADDR: dev.address, VAULT_TOKEN: '' };
});

after(async () => {
  await dev?.stop();
  rmSync(home, { recursive: true, force: true });
});

test('dev mode prints the unseal key and root token and saves the token for the CLI', () => {
  assert.match(dev.output(), /Unseal Key: \S+/);
  assert.match(dev.output(), /Root Token: tour-root/);
  assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), 'tour-root');
});

test('write and read a secret', async () => {
  const put = await runCli(['kv', 'put', 'secret/app', 'db_password=s3cret'], env);
  assert.equal(put.code, 0, put.stderr);
  assert.match(put.stdout, /version\s+1/);
  const get = await runCli(['kv', 'get', 'secret/app'], env);
  assert.equal(get.code, 0, get.stderr);
  assert.match(get.stdout, /db_password\s+s3cret/);
  const field = await runCli(['kv', 'get', '-field=db_password', 'secret/app'], env);
  assert.equal(field.stdout.trim(), 's3cret');
  const json = await runCli(['kv', 'get', '-format=json', 'secret/app'], env);
  assert.equal(JSON.parse(json.stdout).data.data.db_password, 's3cret');
});

test('a policy and a token limited by it', async () => {
  const policyFile = join(home, 'app-read.hcl');
  writeFileSync(policyFile, 'path "secret/data/app" {\n  capabilities = ["read"]\n}\n');
  const write = await runCli(['policy', 'write', 'app-read', policyFile], env);
  assert.equal(write.code, 0, write.stderr);
  assert.match(write.stdout, /Success! Uploaded policy: app-read/);
  const created = await runCli(['token', 'create', '-policy=app-read', '-ttl=1h', '-format=json'], env);
  assert.equal(created.code, 0, created.stderr);
  const token = JSON.parse(created.stdout).auth.client_token as string;
  const limited = { ...env, VAULT_TOKEN: token };
  assert.equal((await runCli(['kv', 'get', '-field=db_password', 'secret/app'], limited)).stdout.trim(), 's3cret');
  const denied = await runCli(['kv', 'put', 'secret/app', 'x=1'], limited);
  assert.equal(denied.code, 2);
  assert.match(denied.stderr, /permission denied/);
  const caps = await runCli(['token', 'capabilities', token, 'secret/data/app'], env);
  assert.match(caps.stdout, /read/);
});

test('userpass login saves the new token', async () => {
  assert.equal((await runCli(['auth', 'enable', 'userpass'], env)).code, 0);
  const user = await runCli(['write', 'auth/userpass/users/alice', 'password=wonderland', 'policies=app-read'], env);
  assert.equal(user.code, 0, user.stderr);
  const login = await runCli(['login', '-method=userpass', 'username=alice', 'password=wonderland'], env);
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /Success! You are now authenticated/);
  const saved = readFileSync(join(home, '.vault-token'), 'utf8');
  assert.notEqual(saved, 'tour-root');
  const self = await runCli(['token', 'lookup', '-format=json'], { ...env, VAULT_TOKEN: '' });
  assert.equal(JSON.parse(self.stdout).data.display_name, 'userpass-alice');
  writeFileSync(join(home, '.vault-token'), 'tour-root');
});

test('secrets and auth listings, path-help, bad usage exit codes', async () => {
  const list = await runCli(['secrets', 'list'], env);
  assert.match(list.stdout, /secret\/\s+kv/);
  const auths = await runCli(['auth', 'list', '-format=json'], env);
  assert.equal(JSON.parse(auths.stdout)['userpass/'].type, 'userpass');
  const help = await runCli(['path-help', 'secret/data/app'], env);
  assert.equal(help.code, 0, help.stderr);
  assert.ok(help.stdout.length > 50);
  const usage = await runCli(['kv', 'get'], env);
  assert.equal(usage.code, 1);
});

test('a non-dev server from a config file: init, unseal, status, login', async () => {
  const port = await freePort();
  const cfg = sqliteServerConfig(port);
  const server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
  const e = { HOME: home, VAULT_ADDR: server.address, VAULT_TOKEN: '' };
  try {
    const sealed = await runCli(['status'], e);
    assert.equal(sealed.code, 2);
    const init = await runCli(['operator', 'init', '-key-shares=5', '-key-threshold=3', '-format=json'], e);
    assert.equal(init.code, 0, init.stderr);
    const { unseal_keys_b64: keys, root_token: root } = JSON.parse(init.stdout) as { unseal_keys_b64: string[]; root_token: string };
    assert.equal(keys.length, 5);
    for (const key of [keys[0]!, keys[3]!, keys[4]!]) assert.equal((await runCli(['operator', 'unseal', key], e)).code, 0);
    const status = await runCli(['status'], e);
    assert.equal(status.code, 0, status.stdout + status.stderr);
    assert.match(status.stdout, /Sealed\s+false/);
    const login = await runCli(['login', root], e);
    assert.equal(login.code, 0, login.stderr);
    const whoami = await runCli(['token', 'lookup', '-format=json'], e);
    assert.deepEqual(JSON.parse(whoami.stdout).data.policies, ['root']);
    assert.ok(existsSync(join(cfg.dataDir, 'coffer.db')));
  } finally {
    await server.stop();
    rmSync(cfg.dir, { recursive: true, force: true });
    writeFileSync(join(home, '.vault-token'), 'tour-root');
  }
});
