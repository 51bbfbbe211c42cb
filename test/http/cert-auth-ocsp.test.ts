// OCSP in the cert auth method, with Coffer's own PKI engine as the CA and
// OCSP responder: a good certificate logs in, a revoked one never does (not
// even with ocsp_fail_open), and an unreachable responder fails closed unless
// ocsp_fail_open is set.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { selfSignedCertificate } from '../support/certificates.js';
import { freePort } from '../support/coffer-process.js';
import { httpsCall, type HttpsAnswer } from '../support/https-call.js';

interface Client {
  cert: string;
  key: string;
  serial: string;
}

describe('cert auth with OCSP against the PKI engine\'s responder', () => {
  let dir: string;
  let ca: InProcessServer;
  let server: InProcessServer;
  let serverCert: { cert: string; key: string };
  let caPem: string;
  let deadResponder: string;
  const call = (method: string, path: string, opts: { body?: unknown; token?: string; client?: Client } = {}): Promise<HttpsAnswer> =>
    httpsCall(server.address, method, path, { ...opts, ca: serverCert.cert });
  const admin = (method: string, path: string, body?: unknown): Promise<HttpsAnswer> => call(method, path, { token: server.rootToken, body });
  const issueClient = async (cn: string): Promise<Client> => {
    const res = await ca.request('POST', 'pki/issue/clients', { common_name: cn });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return { cert: res.body.data.certificate, key: res.body.data.private_key, serial: res.body.data.serial_number };
  };
  const login = (client: Client): Promise<HttpsAnswer> => call('POST', 'auth/cert/login', { client });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-cert-ocsp-'));
    // The CA: a PKI mount whose certificates name its OCSP responder (AIA).
    ca = await startInProcessServer();
    assert.equal((await ca.request('POST', 'sys/mounts/pki', { type: 'pki' })).status, 204);
    const generated = await ca.request('POST', 'pki/root/generate/internal', { common_name: 'Clients CA', key_type: 'ec', ttl: '24h' });
    assert.equal(generated.status, 200, JSON.stringify(generated.body));
    caPem = generated.body.data.certificate;
    await ca.request('POST', 'pki/config/urls', { ocsp_servers: `${ca.address}/v1/pki/ocsp` });
    const role = await ca.request('POST', 'pki/roles/clients', { allow_any_name: true, key_type: 'ec', ttl: '1h', client_flag: true, server_flag: false });
    assert.ok(role.status === 200 || role.status === 204, JSON.stringify(role.body));
    deadResponder = `http://127.0.0.1:${await freePort()}/ocsp`;

    serverCert = await selfSignedCertificate();
    writeFileSync(join(dir, 'server.pem'), serverCert.cert);
    writeFileSync(join(dir, 'server-key.pem'), serverCert.key, { mode: 0o600 });
    server = await startInProcessServer({ tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server-key.pem') } });
    assert.equal((await admin('POST', 'sys/auth/cert', { type: 'cert' })).status, 204);
  });
  after(async () => {
    await server?.close();
    await ca?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks the responder named in the certificate: good logs in, revoked is refused even with ocsp_fail_open', async () => {
    assert.equal((await admin('POST', 'auth/cert/certs/clients', { certificate: caPem, ocsp_enabled: true })).status, 204);
    const alice = await issueClient('alice');
    const good = await login(alice);
    assert.equal(good.status, 200, JSON.stringify(good.body));

    assert.equal((await ca.request('POST', 'pki/revoke', { serial_number: alice.serial })).status, 200);
    const refused = await login(alice);
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { errors: ['no chain matching all constraints could be found for this login certificate'] });
    await admin('POST', 'auth/cert/certs/clients', { ocsp_fail_open: true });
    assert.equal((await login(alice)).status, 400, 'a revoked answer is never overridden by ocsp_fail_open');
  });

  it('fails closed when no responder answers, unless ocsp_fail_open', async () => {
    const bob = await issueClient('bob');
    await admin('POST', 'auth/cert/certs/clients', { ocsp_servers_override: deadResponder, ocsp_fail_open: false });
    assert.equal((await login(bob)).status, 400);
    await admin('POST', 'auth/cert/certs/clients', { ocsp_fail_open: true });
    assert.equal((await login(bob)).status, 200);
  });

  it('with ocsp_query_all_servers, needs "good" from every responder', async () => {
    const carol = await issueClient('carol');
    await admin('POST', 'auth/cert/certs/clients', {
      ocsp_servers_override: [`${ca.address}/v1/pki/ocsp`, deadResponder],
      ocsp_fail_open: false,
      ocsp_query_all_servers: false,
    });
    assert.equal((await login(carol)).status, 200, 'the first usable answer decides');
    await admin('POST', 'auth/cert/certs/clients', { ocsp_query_all_servers: true });
    assert.equal((await login(carol)).status, 400, 'the dead responder gives no answer');
    await admin('POST', 'auth/cert/certs/clients', { ocsp_servers_override: [`${ca.address}/v1/pki/ocsp`, `${ca.address}/v1/pki/ocsp`] });
    assert.equal((await login(carol)).status, 200);
  });
});
