// Clients people use, pointed at a standby: node-vault and hvac (Debian's
// python3-hvac) enable a mount, log in and write and read secrets through a
// standby of a three-node cluster, which forwards to the active node over
// the cluster port — transparently for them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from './cluster.js';
import { hvacMissing, PYTHON } from '../support/hvac.js';

const require = createRequire(import.meta.url);
const nodeVault = require('node-vault') as (opts: { apiVersion: string; endpoint: string; token?: string }) => any;

describe('node-vault and hvac against a standby', () => {
  let cluster: Cluster;
  let standby: string;

  before(async () => {
    // api_addr on a dead port: a forwarded request can only reach the active node over the cluster port.
    cluster = await startCluster(3, '', undefined, () => '', { deadApiAddr: true });
    const active = await cluster.active();
    standby = cluster.nodes[(active + 1) % 3]!.address;
  });
  after(() => cluster?.stop());

  it('node-vault: mount, userpass login, write and read through the standby', async () => {
    const admin = nodeVault({ apiVersion: 'v1', endpoint: standby, token: cluster.rootToken });
    await admin.mount({ mount_point: 'apps', type: 'kv', options: { version: '2' } });
    await admin.enableAuth({ mount_point: 'userpass', type: 'userpass' });
    await admin.addPolicy({ name: 'apps', rules: 'path "apps/data/*" { capabilities = ["create", "update", "read"] }' });
    await admin.write('auth/userpass/users/ann', { password: 'ann-pw', policies: 'apps' });

    const app = nodeVault({ apiVersion: 'v1', endpoint: standby });
    const login = await app.userpassLogin({ username: 'ann', password: 'ann-pw' });
    assert.match(login.auth.client_token, /^hvs\./);
    await app.write('apps/data/db', { data: { password: 'through-a-standby' } });
    assert.equal((await app.read('apps/data/db')).data.data.password, 'through-a-standby');
  });

  it('hvac: login and secrets through the standby', { skip: hvacMissing() }, () => {
    const script = `
import sys, hvac
client = hvac.Client(url=sys.argv[1])
client.auth.userpass.login(username='ann', password='ann-pw')
client.secrets.kv.v2.create_or_update_secret(path='hvac', secret={'who': 'hvac'}, mount_point='apps')
print(client.secrets.kv.v2.read_secret_version(path='hvac', mount_point='apps')['data']['data']['who'])
`;
    const run = spawnSync(PYTHON, ['-c', script, standby], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'hvac');
  });
});
