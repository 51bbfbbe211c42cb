// Forwarding over the cluster port: three `coffer server` processes on one sqlite file, each with a
// cluster_addr on a free loopback port and an api_addr nobody listens on, so a standby can reach the
// active node only through the cluster listener (mutual TLS with the cluster CA from the barrier).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import { api, startCluster, type Cluster } from './cluster.js';

/** Connects without a client certificate and sends a request; resolves with what came back and how it ended. */
function dialWithoutCertificate(port: number): Promise<{ received: string; error: string | undefined }> {
  return new Promise((resolve) => {
    let received = '';
    let error: string | undefined;
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      socket.write('GET /v1/sys/health HTTP/1.1\r\nHost: cluster\r\nX-Coffer-Forwarded-By: intruder\r\n\r\n');
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => resolve({ received, error }));
  });
}

describe('HA forwarding over the cluster port (cluster_addr, mutual TLS)', () => {
  let cluster: Cluster;
  let active: number;
  let standby: number;

  before(async () => {
    cluster = await startCluster(3, '', undefined, undefined, { deadApiAddr: true });
    active = await cluster.active();
    standby = [0, 1, 2].find((i) => i !== active)!;
  });
  after(() => cluster?.stop());

  it('sys/leader advertises the active node\'s cluster address', async () => {
    const leader = await api(cluster.nodes[standby]!.address, 'GET', 'sys/leader');
    assert.equal(leader.body.leader_cluster_address, `https://127.0.0.1:${cluster.nodes[active]!.clusterPort}`);
  });

  it('a write and a read through a standby reach the active node over the cluster port', async () => {
    const via = cluster.nodes[standby]!.address;
    const policy = 'path "secret/*" { capabilities = ["read"] }';
    const written = await api(via, 'PUT', 'sys/policies/acl/over-cluster', cluster.rootToken, { policy });
    assert.equal(written.status, 204, JSON.stringify(written.body));
    const onActive = await api(cluster.nodes[active]!.address, 'GET', 'sys/policies/acl/over-cluster', cluster.rootToken);
    assert.equal(onActive.status, 200);
    assert.equal(onActive.body.data.policy, policy);
    const readBack = await api(via, 'GET', 'sys/policies/acl/over-cluster', cluster.rootToken);
    assert.equal(readBack.status, 200);
    assert.equal(readBack.body.data.policy, policy);
    // Vault's LIST method crosses the cluster port too.
    const listed = await api(via, 'LIST', 'sys/policies/acl', cluster.rootToken);
    assert.equal(listed.status, 200);
    assert.ok(listed.body.data.keys.includes('over-cluster'));
  });

  it('a client without a cluster certificate is refused at TLS', async () => {
    const outcome = await dialWithoutCertificate(cluster.nodes[active]!.clusterPort);
    assert.equal(outcome.received, '', 'no HTTP answer without a client certificate');
    // TLS 1.3: the server's alert arrives after the client's side of the handshake.
    assert.equal(outcome.error, 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
  });

  it('a standby opens no cluster port', async () => {
    const outcome = await dialWithoutCertificate(cluster.nodes[standby]!.clusterPort);
    assert.equal(outcome.error, 'ECONNREFUSED');
  });
});
