// Black-box compatibility: node-vault logs in with a TLS client certificate
// against a real `coffer server` process, as against Vault. node-vault
// 0.12's certLogin() throws before sending anything (its request schema has
// no properties), whatever the server, so the login is the plain write to
// auth/cert/login that users fall back to.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../support/certificates.js';
import { createCa, createCrl, issue, type Issued } from '../support/client-certificates.js';
import { COFFER_BIN, freePort } from '../support/coffer-process.js';

const require = createRequire(import.meta.url);
type NodeVaultOptions = { apiVersion: string; endpoint: string; token?: string; requestOptions?: Record<string, unknown> };
const nodeVault = require('node-vault') as (opts: NodeVaultOptions) => any;

let dir: string;
let child: ChildProcess;
let endpoint: string;
let serverCa: string;
let rootToken: string;
let root: Issued;

/** A node-vault client trusting the server's certificate, presenting `client`'s when given. */
function client(as?: Issued, token?: string): any {
  return nodeVault({
    apiVersion: 'v1',
    endpoint,
    ...(token ? { token } : {}),
    requestOptions: { ca: serverCa, ...(as ? { cert: as.cert, key: as.key } : {}) },
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-node-vault-cert-'));
  const port = await freePort();
  endpoint = `https://127.0.0.1:${port}`;
  const server = await selfSignedCertificate();
  serverCa = server.cert;
  root = await createCa('CN=node-vault clients');
  writeFileSync(join(dir, 'server.pem'), server.cert);
  writeFileSync(join(dir, 'server-key.pem'), server.key, { mode: 0o600 });
  const config = join(dir, 'coffer.hcl');
  writeFileSync(
    config,
    `storage "sqlite" {\n  path = "${join(dir, 'data')}"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n` +
      `  tls_cert_file = "${join(dir, 'server.pem')}"\n  tls_key_file = "${join(dir, 'server-key.pem')}"\n}\nui = false\nlog_level = "warn"\n`,
  );
  child = spawn(process.execPath, [COFFER_BIN, 'server', `-config=${config}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const admin = client();
  for (let i = 0; ; i++) {
    try {
      await admin.initialized();
      break;
    } catch (err) {
      if (child.exitCode !== null || i > 200) throw new Error(`coffer did not start: ${(err as Error).message}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const init = await admin.init({ secret_shares: 1, secret_threshold: 1 });
  await admin.unseal({ secret_shares: 1, key: init.keys[0] });
  rootToken = init.root_token;
});

after(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('node-vault: cert login, token renewal with the same certificate, refusals', async () => {
  const admin = client(undefined, rootToken);
  await admin.enableAuth({ mount_point: 'cert', type: 'cert' });
  await admin.write('auth/cert/certs/apps', { certificate: root.cert, token_policies: 'apps', token_ttl: '15m', allowed_common_names: 'app-*' });

  const app = await issue({ subject: 'CN=app-billing' }, root);
  const vault = client(app);
  const login = await vault.write('auth/cert/login', { name: 'apps' });
  assert.match(login.auth.client_token, /^hvs\./);
  vault.token = login.auth.client_token;
  assert.deepEqual(login.auth.token_policies, ['apps', 'default']);
  assert.equal(login.auth.metadata.common_name, 'app-billing');
  assert.equal(login.auth.lease_duration, 900);

  const self = await vault.tokenLookupSelf({});
  assert.equal(self.data.meta.cert_name, 'apps');
  const renewed = await vault.tokenRenewSelf({ increment: '10m' });
  assert.equal(renewed.auth.client_token, login.auth.client_token);

  // A certificate the constraints do not allow, one from another CA, and a revoked one: node-vault throws Vault's message.
  const certLogin = (as: Issued): Promise<unknown> => client(as).write('auth/cert/login', {});
  await assert.rejects(certLogin(await issue({ subject: 'CN=intruder' }, root)), /no chain matching all constraints/);
  await assert.rejects(certLogin(await issue({ subject: 'CN=app-x' }, await createCa('CN=other'))), /invalid certificate or no client certificate supplied/);
  const revoked = await issue({ subject: 'CN=app-old' }, root);
  await admin.write('auth/cert/crls/apps', { crl: await createCrl(root, [revoked]) });
  await assert.rejects(certLogin(revoked), /no chain matching all constraints/);
});
