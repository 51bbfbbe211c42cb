// The cert auth method run as an external plugin behind a TLS listener: the
// certificates the client presents reach the plugin process through the
// plugin protocol's Connection.peer_certificates, at login and at renewal.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { selfSignedCertificate } from '../support/certificates.js';
import { createCa, issue, type Issued } from '../support/client-certificates.js';
import { httpsCall, type HttpsAnswer } from '../support/https-call.js';
import { installFixture } from './support/external-kv.js';

describe('cert auth as an external plugin over TLS', () => {
  let dir: string;
  let server: InProcessServer;
  let serverCert: { cert: string; key: string };
  let root: Issued;
  let alice: Issued;
  let bob: Issued;
  const call = (method: string, path: string, opts: { body?: unknown; token?: string; client?: Issued } = {}): Promise<HttpsAnswer> =>
    httpsCall(server.address, method, path, { ...opts, ca: serverCert.cert });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-cert-plugin-'));
    serverCert = await selfSignedCertificate();
    root = await createCa('CN=Plugin Clients Root');
    alice = await issue({ subject: 'CN=alice' }, root);
    bob = await issue({ subject: 'CN=bob' }, root);
    writeFileSync(join(dir, 'server.pem'), serverCert.cert);
    writeFileSync(join(dir, 'server-key.pem'), serverCert.key, { mode: 0o600 });
    const pluginDir = join(dir, 'plugins');
    mkdirSync(pluginDir);
    server = await startInProcessServer({ plugins: { directory: pluginDir }, tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server-key.pem') } });
    const sha256 = await installFixture(pluginDir, 'builtin-cert-plugin', 'cert-plugin');
    const registered = await call('PUT', 'sys/plugins/catalog/auth/cert-external', { token: server.rootToken, body: { sha256, command: 'cert-plugin' } });
    assert.equal(registered.status, 204, JSON.stringify(registered.body));
    assert.equal((await call('POST', 'sys/auth/cert', { token: server.rootToken, body: { type: 'cert-external' } })).status, 204);
    const mounts = await call('GET', 'sys/auth', { token: server.rootToken });
    assert.equal(mounts.body.data['cert/'].running_sha256, sha256, 'the mount runs in the plugin process');
    const trusted = await call('POST', 'auth/cert/certs/clients', { token: server.rootToken, body: { certificate: root.cert, token_policies: 'p' } });
    assert.equal(trusted.status, 204, JSON.stringify(trusted.body));
  });
  after(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in with the presented certificate and renews only with the same one', async () => {
    const login = await call('POST', 'auth/cert/login', { client: alice });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.auth.metadata.common_name, 'alice');
    const token = login.body.auth.client_token as string;

    assert.equal((await call('POST', 'auth/token/renew-self', { token, client: alice })).status, 200);
    const wrongCert = await call('POST', 'auth/token/renew-self', { token, client: bob });
    assert.equal(wrongCert.status, 400);
    assert.deepEqual(wrongCert.body, { errors: ['client identity during renewal not matching client identity used during login'] });

    const none = await call('POST', 'auth/cert/login');
    assert.equal(none.status, 400);
    assert.deepEqual(none.body, { errors: ['client certificate must be supplied'] });
  });
});
