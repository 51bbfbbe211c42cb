// Active/standby HA: three `coffer server` processes sharing one sqlite file (ha_enabled) on loopback.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../support/coffer-process.js';
import { api, eventually, startCluster, type Cluster } from './cluster.js';

describe('HA on a shared sqlite file: three server processes', () => {
  let cluster: Cluster;
  let root: string;
  const addr = (i: number) => cluster.nodes[i]!.address;
  const standbyOf = (active: number) => [0, 1, 2].find((i) => i !== active && cluster.nodes[i]!.process?.child.exitCode === null && cluster.nodes[i]!.process?.child.signalCode === null)!;

  before(async () => {
    cluster = await startCluster(3);
    root = cluster.rootToken;
  });
  after(() => cluster?.stop());

  it('elects exactly one active node; sys/leader agrees on every node', async () => {
    const active = await cluster.active();
    for (let i = 0; i < 3; i++) {
      const leader = await api(addr(i), 'GET', 'sys/leader');
      assert.equal(leader.status, 200);
      assert.equal(leader.body.ha_enabled, true);
      assert.equal(leader.body.is_self, i === active, `node ${i} is_self`);
      assert.equal(leader.body.leader_address, addr(active));
      assert.equal(leader.body.leader_cluster_address, `https://127.0.0.1:${cluster.nodes[active]!.clusterPort}`);
      if (i === active) assert.notEqual(leader.body.active_time, '0001-01-01T00:00:00Z');
    }
  });

  it('sys/health: 429 on a standby, 200 with standbyok; the body says standby', async () => {
    const active = await cluster.active();
    const standby = standbyOf(active);
    const plain = await api(addr(standby), 'GET', 'sys/health');
    assert.equal(plain.status, 429);
    assert.equal(plain.body.standby, true);
    assert.equal(plain.body.sealed, false);
    assert.equal((await api(addr(standby), 'GET', 'sys/health?standbyok=true')).status, 200);
    // perfstandbyok concerns performance standbys only: a plain standby still answers 429.
    assert.equal((await api(addr(standby), 'GET', 'sys/health?perfstandbyok=true')).status, 429);
    const onActive = await api(addr(active), 'GET', 'sys/health');
    assert.equal(onActive.status, 200);
    assert.equal(onActive.body.standby, false);
  });

  it('sys/ha-status lists every node with the active one marked', async () => {
    const active = await cluster.active();
    const status = await eventually('three nodes in sys/ha-status', async () => {
      const res = await api(addr(standbyOf(active)), 'GET', 'sys/ha-status', root);
      if (res.status !== 200 || res.body.data.nodes.length !== 3) return undefined;
      // Also at the top level of the body, where Vault's Go client (Sys().HAStatus()) reads them.
      assert.deepEqual(res.body.nodes, res.body.data.nodes);
      return res.body.data.nodes;
    });
    const actives = status.filter((n: any) => n.active_node);
    assert.equal(actives.length, 1);
    assert.equal(actives[0].api_address, addr(active));
    assert.equal(actives[0].last_echo, null);
    for (const n of status.filter((n: any) => !n.active_node)) assert.ok(Number.isFinite(Date.parse(n.last_echo)), 'a standby has a heartbeat time');
    assert.deepEqual(status.map((n: any) => n.api_address).sort(), [0, 1, 2].map(addr).sort());
    // Authenticated, like in Vault.
    assert.equal((await api(addr(active), 'GET', 'sys/ha-status')).status, 403);
  });

  it('a write through a standby is forwarded to the active node and readable from every node', async () => {
    const active = await cluster.active();
    const standby = standbyOf(active);
    const mount = await api(addr(standby), 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } });
    assert.equal(mount.status, 204, JSON.stringify(mount.body));
    const write = await api(addr(standby), 'POST', 'secret/data/app', root, { data: { password: 'from-standby' } });
    assert.equal(write.status, 200, JSON.stringify(write.body));
    for (let i = 0; i < 3; i++) {
      const read = await api(addr(i), 'GET', 'secret/data/app', root);
      assert.equal(read.status, 200);
      assert.equal(read.body.data.data.password, 'from-standby');
    }
    // LIST goes through as LIST.
    const list = await api(addr(standby), 'LIST', 'secret/metadata', root);
    assert.deepEqual(list.body.data.keys, ['app']);
  });

  it('with X-Vault-No-Request-Forwarding a standby answers 307 to the active node', async () => {
    const active = await cluster.active();
    const res = await api(addr(standbyOf(active)), 'GET', 'secret/data/app?version=1', root, undefined, { 'X-Vault-No-Request-Forwarding': 'true' });
    assert.equal(res.status, 307);
    assert.equal(res.headers.get('location'), `${addr(active)}/v1/secret/data/app?version=1`);
  });

  it('a policy changed on the active node is enforced by a standby that had it cached', async () => {
    const active = await cluster.active();
    const standby = standbyOf(active);
    assert.equal((await api(addr(active), 'PUT', 'sys/policies/acl/watcher', root, { policy: 'path "sys/ha-status" { capabilities = ["read"] }' })).status, 204);
    const created = await api(addr(active), 'POST', 'auth/token/create', root, { policies: ['watcher'] });
    const token = created.body.auth.client_token as string;
    // The standby answers sys/ha-status itself: this caches the policy there.
    await eventually('the standby allows the watcher', async () => ((await api(addr(standby), 'GET', 'sys/ha-status', token)).status === 200 ? true : undefined));
    assert.equal((await api(addr(active), 'PUT', 'sys/policies/acl/watcher', root, { policy: 'path "secret/*" { capabilities = ["read"] }' })).status, 204);
    await eventually('the standby to deny the watcher', async () => ((await api(addr(standby), 'GET', 'sys/ha-status', token)).status === 403 ? true : undefined), 10_000);
  });

  it('coffer status shows the HA mode and the active node', async () => {
    const active = await cluster.active();
    const standby = standbyOf(active);
    const onStandby = await runCli(['status'], { VAULT_ADDR: addr(standby), VAULT_TOKEN: '' });
    assert.equal(onStandby.code, 0, onStandby.stderr);
    assert.match(onStandby.stdout, /^HA Enabled\s+true$/m);
    assert.match(onStandby.stdout, /^HA Mode\s+standby$/m);
    assert.match(onStandby.stdout, new RegExp(`^Active Node Address\\s+${addr(active).replace(/[.]/g, '\\.')}$`, 'm'));
    const onActive = await runCli(['status'], { VAULT_ADDR: addr(active), VAULT_TOKEN: '' });
    assert.match(onActive.stdout, /^HA Mode\s+active$/m);
    assert.match(onActive.stdout, /^Active Since\s+\S+$/m);

    const members = await runCli(['operator', 'members'], { VAULT_ADDR: addr(standby), VAULT_TOKEN: root });
    assert.equal(members.code, 0, members.stderr);
    const lines = members.stdout.trim().split('\n');
    assert.match(lines[0]!, /^Host Name\s+API Address\s+Cluster Address\s+Active Node\s+Version\s+Upgrade Version\s+Redundancy Zone\s+Last Echo$/);
    assert.equal(lines.length, 2 + 3, 'a header, its underline and three nodes');
    assert.equal(lines.filter((l) => l.includes(addr(active)) && /\strue\s/.test(l)).length, 1);
  });

  it('coffer operator step-down (sent to a standby) hands the active role to another node', async () => {
    const before = await cluster.active();
    const viaStandby = standbyOf(before);
    const res = await runCli(['operator', 'step-down'], { VAULT_ADDR: addr(viaStandby), VAULT_TOKEN: root });
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /Success! Stepped down/);
    const after = await eventually('another node to become active', async () => {
      const now = await cluster.active();
      return now !== before ? now : undefined;
    });
    assert.notEqual(after, before);
    assert.equal((await api(addr(before), 'GET', 'sys/health')).status, 429);
    // Writes still work, through the node that stepped down.
    assert.equal((await api(addr(before), 'POST', 'secret/data/after-step-down', root, { data: { v: '1' } })).status, 200);
  });

  it('SIGKILL of the active node: a standby takes over and serves what was written before', async () => {
    const killed = await cluster.active();
    assert.equal((await api(addr(killed), 'POST', 'secret/data/before-kill', root, { data: { v: 'kept' } })).status, 200);
    await cluster.nodes[killed]!.process!.kill();
    const next = await cluster.active();
    assert.notEqual(next, killed);
    const read = await api(addr(next), 'GET', 'secret/data/before-kill', root);
    assert.equal(read.status, 200);
    assert.equal(read.body.data.data.v, 'kept');
    // The remaining standby forwards to the new active node.
    const other = standbyOf(next);
    assert.equal((await api(addr(other), 'POST', 'secret/data/after-kill', root, { data: { v: 'new' } })).status, 200);
    assert.equal((await api(addr(next), 'GET', 'secret/data/after-kill', root)).body.data.data.v, 'new');
    // The killed node restarts, unseals and joins as a standby.
    await cluster.start(killed);
    assert.equal(await cluster.active(), next);
    assert.equal((await api(addr(killed), 'GET', 'secret/data/before-kill', root)).body.data.data.v, 'kept');
  });
});
