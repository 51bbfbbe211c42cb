// The cert auth method over a real TLS listener: the client certificate
// presented in the handshake is what logs in, and what renewal checks again.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { selfSignedCertificate } from '../support/certificates.js';
import { createCa, createCrl, issue, type Issued } from '../support/client-certificates.js';
import { httpsCall, type HttpsAnswer } from '../support/https-call.js';

let serverCert: { cert: string; key: string };
let dir: string;
let root: Issued;
let otherRoot: Issued;
let alice: Issued;
let bob: Issued;
let revoked: Issued;
let stranger: Issued;

/** One HTTPS request on a fresh connection, presenting `client`'s certificate when given. */
function call(server: InProcessServer, method: string, path: string, opts: { body?: unknown; token?: string; client?: Issued } = {}): Promise<HttpsAnswer> {
  return httpsCall(server.address, method, path, { ...opts, ca: serverCert.cert });
}

async function startTlsServer(tls: { requireClientCert?: boolean; disableClientCerts?: boolean } = {}): Promise<InProcessServer> {
  return startInProcessServer({
    tls: { certFile: join(dir, 'server.pem'), keyFile: join(dir, 'server-key.pem'), clientCaFile: join(dir, 'client-ca.pem'), ...tls },
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-cert-auth-'));
  serverCert = await selfSignedCertificate();
  root = await createCa('CN=Clients Root');
  otherRoot = await createCa('CN=Somebody Else');
  alice = await issue({ subject: 'CN=alice, OU=engineering', dnsNames: ['alice.example.com'] }, root);
  bob = await issue({ subject: 'CN=bob, OU=sales' }, root);
  revoked = await issue({ subject: 'CN=mallory, OU=engineering' }, root);
  stranger = await issue({ subject: 'CN=alice, OU=engineering' }, otherRoot);
  writeFileSync(join(dir, 'server.pem'), serverCert.cert);
  writeFileSync(join(dir, 'server-key.pem'), serverCert.key, { mode: 0o600 });
  writeFileSync(join(dir, 'client-ca.pem'), root.cert);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('cert auth over a TLS listener that requests client certificates', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startTlsServer();
    const root_ = { token: s.rootToken };
    assert.equal((await call(s, 'POST', 'sys/auth/cert', { ...root_, body: { type: 'cert' } })).status, 204);
    const write = await call(s, 'POST', 'auth/cert/certs/engineering', {
      ...root_,
      body: { certificate: root.cert, allowed_organizational_units: 'engineering', token_policies: 'eng', token_ttl: '10m' },
    });
    assert.equal(write.status, 204, JSON.stringify(write.body));
    const crl = await call(s, 'POST', 'auth/cert/crls/clients', { ...root_, body: { crl: await createCrl(root, [revoked]) } });
    assert.equal(crl.status, 204, JSON.stringify(crl.body));
  });
  after(() => s.close());

  it('logs in with a certificate the trusted CA issued, as Vault answers', async () => {
    const login = await call(s, 'POST', 'auth/cert/login', { client: alice });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const auth = login.body.auth;
    assert.match(auth.client_token, /^hvs\./);
    assert.deepEqual(auth.token_policies, ['default', 'eng']);
    assert.equal(auth.lease_duration, 600);
    assert.equal(auth.renewable, true);
    assert.equal(auth.metadata.cert_name, 'engineering');
    assert.equal(auth.metadata.common_name, 'alice');
    assert.equal(auth.metadata.serial_number, alice.serial);

    const self = await call(s, 'GET', 'auth/token/lookup-self', { token: auth.client_token });
    assert.equal(self.status, 200);
    assert.equal(self.body.data.display_name, 'cert-engineering');
    assert.equal(self.body.data.path, 'auth/cert/login');
  });

  it('refuses with 400 a certificate from another CA, a revoked one, one that misses a constraint, and no certificate', async () => {
    const cases: Array<[Issued | undefined, string]> = [
      [stranger, 'invalid certificate or no client certificate supplied'],
      [revoked, 'no chain matching all constraints could be found for this login certificate'],
      [bob, 'no chain matching all constraints could be found for this login certificate'],
      [undefined, 'client certificate must be supplied'],
    ];
    for (const [client, message] of cases) {
      const answer = await call(s, 'POST', 'auth/cert/login', client ? { client } : {});
      assert.equal(answer.status, 400, `${client?.subject ?? 'no certificate'}: ${JSON.stringify(answer.body)}`);
      assert.deepEqual(answer.body, { errors: [message] });
    }
  });

  it('refuses with 403 a login from outside token_bound_cidrs', async () => {
    await call(s, 'POST', 'auth/cert/certs/fenced', { token: s.rootToken, body: { certificate: root.cert, token_bound_cidrs: '10.0.0.0/8' } });
    const answer = await call(s, 'POST', 'auth/cert/login', { client: bob, body: { name: 'fenced' } });
    assert.equal(answer.status, 403);
    await call(s, 'DELETE', 'auth/cert/certs/fenced', { token: s.rootToken });
  });

  it('renews a token only over a connection presenting the same certificate', async () => {
    const token = (await call(s, 'POST', 'auth/cert/login', { client: alice })).body.auth.client_token as string;
    const renewed = await call(s, 'POST', 'auth/token/renew-self', { token, client: alice, body: { increment: '5m' } });
    assert.equal(renewed.status, 200, JSON.stringify(renewed.body));
    assert.equal(renewed.body.auth.client_token, token);

    const otherCert = await call(s, 'POST', 'auth/token/renew-self', { token, client: bob });
    assert.equal(otherCert.status, 400);
    const noCert = await call(s, 'POST', 'auth/token/renew-self', { token });
    assert.equal(noCert.status, 400);
    assert.deepEqual(noCert.body, { errors: ['client certificate must be supplied'] });

    // With disable_binding the token renews from anywhere (until its entry goes).
    await call(s, 'POST', 'auth/cert/config', { token: s.rootToken, body: { disable_binding: true } });
    assert.equal((await call(s, 'POST', 'auth/token/renew-self', { token })).status, 200);
    await call(s, 'POST', 'auth/cert/config', { token: s.rootToken, body: { disable_binding: false } });
  });
});

describe('listener client-certificate settings', () => {
  it('tls_require_and_verify_client_cert refuses the handshake without a certificate the client CA issued', async () => {
    const s = await startTlsServer({ requireClientCert: true });
    try {
      await assert.rejects(call(s, 'GET', 'sys/health'));
      await assert.rejects(call(s, 'GET', 'sys/health', { client: stranger }));
      assert.equal((await call(s, 'GET', 'sys/health', { client: alice })).status, 200);
    } finally {
      await s.close();
    }
  });

  it('tls_disable_client_certs does not ask for one, so the cert method sees none', async () => {
    const s = await startTlsServer({ disableClientCerts: true });
    try {
      await call(s, 'POST', 'sys/auth/cert', { token: s.rootToken, body: { type: 'cert' } });
      await call(s, 'POST', 'auth/cert/certs/any', { token: s.rootToken, body: { certificate: root.cert } });
      const answer = await call(s, 'POST', 'auth/cert/login', { client: alice });
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.body, { errors: ['client certificate must be supplied'] });
    } finally {
      await s.close();
    }
  });
});
