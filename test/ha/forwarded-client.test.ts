// A standby forwards requests over the cluster port for its clients; the active node must
// still see each client as itself — its address (token bound_cidrs, audit) and the
// certificate it presented over TLS (the cert auth method) — not the standby.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { api, startCluster, type Cluster } from './cluster.js';
import { selfSignedCertificate } from '../support/certificates.js';
import { createCa, issue } from '../support/client-certificates.js';
import { freePort } from '../support/coffer-process.js';
import { httpsCall } from '../support/https-call.js';

/** A request from 127.0.0.2 (loopback, but not the address the nodes talk to each other from). */
function callFrom127002(address: string, method: string, path: string, token: string): Promise<{ status: number; body: any }> {
  const url = new URL(`${address}/v1/${path}`);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname, method, localAddress: '127.0.0.2', agent: false, headers: { 'X-Vault-Token': token } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('clients seen through a standby as themselves', () => {
  let cluster: Cluster;
  let root: string;
  let active: string;
  let standby: string;
  let standbyTls: string;
  let serverCert: { cert: string; key: string };
  let auditFile: string;

  before(async () => {
    serverCert = await selfSignedCertificate();
    const tlsPort = await freePort();
    standbyTls = `https://127.0.0.1:${tlsPort}`;
    // Node 1 (a standby: node 0 is initialised and becomes active first) also has a TLS listener.
    cluster = await startCluster(2, '', undefined, (i, dir) => {
      if (i !== 1) return '';
      writeFileSync(join(dir, 'standby.pem'), serverCert.cert);
      writeFileSync(join(dir, 'standby-key.pem'), serverCert.key, { mode: 0o600 });
      return `listener "tcp" {\n  address = "127.0.0.1:${tlsPort}"\n  tls_cert_file = "${join(dir, 'standby.pem')}"\n  tls_key_file = "${join(dir, 'standby-key.pem')}"\n}`;
    });
    root = cluster.rootToken;
    const activeIndex = await cluster.active();
    assert.equal(activeIndex, 0);
    active = cluster.nodes[0]!.address;
    standby = cluster.nodes[1]!.address;
    auditFile = join(cluster.dir, 'audit.log');
    assert.equal((await api(active, 'PUT', 'sys/audit/file', root, { type: 'file', options: { file_path: auditFile } })).status, 204);
  });
  after(() => cluster?.stop());

  it('a token bound to the client\'s address works through the standby, and audit names the client', async () => {
    // As in Vault, a token's bound CIDRs come from its role (and only an expiring token is bound).
    assert.equal((await api(active, 'POST', 'auth/token/roles/from-127-0-0-2', root, { token_bound_cidrs: ['127.0.0.2/32'], allowed_policies: ['default'], token_ttl: '1h' })).status, 204);
    const created = await api(active, 'POST', 'auth/token/create/from-127-0-0-2', root, { policies: ['default'] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const token = created.body.auth.client_token as string;
    // From the bound address, through the standby (which reaches the active node from 127.0.0.1).
    const self = await callFrom127002(standby, 'GET', 'auth/token/lookup-self', token);
    assert.equal(self.status, 200, JSON.stringify(self.body));
    // From anywhere else, refused, directly or through the standby.
    assert.equal((await api(standby, 'GET', 'auth/token/lookup-self', token)).status, 403);
    assert.equal((await api(active, 'GET', 'auth/token/lookup-self', token)).status, 403);

    const entries = readFileSync(auditFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const lookup = entries.find((e) => e.type === 'response' && e.request.path === 'auth/token/lookup-self' && e.response?.data?.id !== undefined);
    assert.ok(lookup, 'the lookup is audited on the active node');
    assert.equal(lookup.request.remote_address, '127.0.0.2');
  });

  it('a client certificate presented to the standby logs in with the cert method', async () => {
    const ca = await createCa('CN=forwarded clients');
    const client = await issue({ subject: 'CN=app-through-standby' }, ca);
    assert.equal((await api(active, 'POST', 'sys/auth/cert', root, { type: 'cert' })).status, 204);
    assert.equal((await api(active, 'POST', 'auth/cert/certs/apps', root, { certificate: ca.cert, token_policies: 'default' })).status, 204);

    const login = await httpsCall(standbyTls, 'POST', 'auth/cert/login', { ca: serverCert.cert, body: { name: 'apps' }, client });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    assert.equal(login.body.auth.metadata.common_name, 'app-through-standby');
    // Without a certificate, the standby's client has none to forward: refused.
    const none = await httpsCall(standbyTls, 'POST', 'auth/cert/login', { ca: serverCert.cert, body: { name: 'apps' } });
    assert.equal(none.status, 400, JSON.stringify(none.body));
  });

  it('a client cannot claim another address or certificate by sending the headers itself', async () => {
    assert.equal((await api(active, 'POST', 'auth/token/roles/from-10-9-8-7', root, { token_bound_cidrs: ['10.9.8.7/32'], allowed_policies: ['default'], token_ttl: '1h' })).status, 204);
    const created = await api(active, 'POST', 'auth/token/create/from-10-9-8-7', root, { policies: ['default'] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const token = created.body.auth.client_token as string;
    const spoof = { 'X-Coffer-Forwarded-Client-Address': '10.9.8.7 4242' };
    assert.equal((await api(active, 'GET', 'auth/token/lookup-self', token, undefined, spoof)).status, 403);
    assert.equal((await api(standby, 'GET', 'auth/token/lookup-self', token, undefined, spoof)).status, 403);
  });
});
