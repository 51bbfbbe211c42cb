import assert from 'node:assert/strict';
import * as https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { silentLogger, type StorageEntry } from '@coffer/sdk';
import { generateCertificateAuthority, issueLeafCertificate } from '@coffer/sdk/plugin/certificate-authority.js';
import { freePort } from '../../../../test/support/coffer-process.js';
import { CLUSTER_TLS_PATH, ClusterTransport, type ClusterClientTls } from './cluster-transport.js';
import { FORWARDED_HEADER } from './standby-forwarding.js';

/** A storage map standing in for the barrier (the transport reads and writes one entry). */
function memoryStorage() {
  const entries = new Map<string, StorageEntry>();
  return {
    entries,
    get: async (key: string) => entries.get(key) ?? null,
    put: async (entry: StorageEntry) => void entries.set(entry.key, entry),
  };
}

function request(port: number, tls: Partial<ClusterClientTls>, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: '127.0.0.1', port, path: '/v1/sys/policy/x', method: 'GET', headers, ...tls, agent: false, checkServerIdentity: () => undefined },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('cluster transport: mutual TLS on the cluster port', () => {
  const storage = memoryStorage();
  let port: number;
  let active: ClusterTransport;
  let clientTls: ClusterClientTls;
  const seen: string[] = [];

  before(async () => {
    port = await freePort();
    active = new ClusterTransport({ listenAddress: `127.0.0.1:${port}`, isForwarded: (req) => Boolean(req.headers[FORWARDED_HEADER]), logger: silentLogger });
    active.handler = (req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    };
    active.attach(storage);
    await active.activate();
    // Another node of the cluster: same barrier, no cluster port of its own.
    const standby = new ClusterTransport({ listenAddress: undefined, isForwarded: () => true, logger: silentLogger });
    standby.attach(storage);
    clientTls = (await standby.clientTls())!;
  });
  after(() => active.detach());

  it('the first active node stores a cluster CA in the barrier and opens the port', () => {
    const stored = JSON.parse(storage.entries.get(CLUSTER_TLS_PATH)!.value.toString('utf8'));
    assert.match(stored.ca_cert, /BEGIN CERTIFICATE/);
    assert.match(stored.ca_key, /BEGIN PRIVATE KEY/);
    assert.equal(active.boundAddress, `127.0.0.1:${port}`);
    assert.equal(clientTls.ca, stored.ca_cert);
  });

  it('serves a forwarded request from a node with a leaf of the cluster CA', async () => {
    const answer = await request(port, clientTls, { [FORWARDED_HEADER]: 'node-b' });
    assert.equal(answer.status, 200);
    assert.deepEqual(seen, ['GET /v1/sys/policy/x']);
  });

  it('refuses a request without the forwarding marker with 400', async () => {
    const answer = await request(port, clientTls, {});
    assert.equal(answer.status, 400);
    assert.match(JSON.parse(answer.body).errors[0], /only requests forwarded/);
  });

  it('refuses at TLS a client whose certificate comes from another CA', async () => {
    const other = await generateCertificateAuthority('not the cluster', 3600_000);
    const leaf = await issueLeafCertificate(other, 'coffer-cluster', 3600_000);
    await assert.rejects(request(port, { ca: clientTls.ca, cert: leaf.certPem, key: leaf.keyPem }, { [FORWARDED_HEADER]: 'intruder' }));
  });

  it('closes the port when the node stops being active', async () => {
    await active.deactivate();
    assert.equal(active.boundAddress, undefined);
    await assert.rejects(request(port, clientTls, { [FORWARDED_HEADER]: 'node-b' }), /ECONNREFUSED/);
  });
});
