// disable_clustering = true: a standby answers 307 to the active node instead of forwarding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/coffer-process.js';
import { api, startCluster, type Cluster } from './cluster.js';

describe('HA with request forwarding off (disable_clustering)', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(2, 'disable_clustering = true');
  });
  after(() => cluster?.stop());

  it('a standby redirects API requests with 307 and still answers its own status', async () => {
    const active = await cluster.active();
    const standby = 1 - active;
    const activeAddr = cluster.nodes[active]!.address;
    const standbyAddr = cluster.nodes[standby]!.address;
    const res = await api(standbyAddr, 'POST', 'sys/mounts/kv', cluster.rootToken, { type: 'kv' });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get('location'), `${activeAddr}/v1/sys/mounts/kv`);
    // The node's own view stays local.
    assert.equal((await api(standbyAddr, 'GET', 'sys/leader')).body.leader_address, activeAddr);
    assert.equal((await api(standbyAddr, 'GET', 'sys/health')).status, 429);
  });

  it('the CLI pointed at the standby follows the redirect for writes and reads', async () => {
    const active = await cluster.active();
    const env = { VAULT_ADDR: cluster.nodes[1 - active]!.address, VAULT_TOKEN: cluster.rootToken };
    const enable = await runCli(['secrets', 'enable', '-path=kv', 'kv'], env);
    assert.equal(enable.code, 0, enable.stderr);
    const put = await runCli(['kv', 'put', 'kv/app', 'user=alice'], env);
    assert.equal(put.code, 0, put.stderr);
    const get = await runCli(['kv', 'get', '-field=user', 'kv/app'], env);
    assert.equal(get.stdout.trim(), 'alice');
    const onActive = await api(cluster.nodes[active]!.address, 'GET', 'kv/app', cluster.rootToken);
    assert.equal(onActive.body.data.user, 'alice');
  });

  it('a request another node forwarded to a standby is refused, not forwarded again', async () => {
    const active = await cluster.active();
    const res = await api(cluster.nodes[1 - active]!.address, 'GET', 'kv/app', cluster.rootToken, undefined, { 'X-Coffer-Forwarded-By': 'some-node' });
    assert.equal(res.status, 503);
    assert.match(res.body.errors[0], /not the active node/);
  });
});
