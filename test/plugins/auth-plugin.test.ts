// The upgrade procedure for an auth method plugin (the auth-api-key
// example, v1 then v2), with the coffer CLI against a real server: logins
// keep working, tokens issued by v1 stay valid and renew through v2.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { builtExamples, PluginServer, processesRunning } from './support.js';

describe('auth method plugin upgrade (coffer CLI, real server)', () => {
  let s: PluginServer;
  let sha1: string;
  let sha2: string;

  before(async () => {
    const { plugins } = await builtExamples();
    s = await PluginServer.start();
    sha1 = s.install(plugins.get('auth-api-key-v1')!.file, 'auth-api-key-v1');
    sha2 = s.install(plugins.get('auth-api-key-v2')!.file, 'auth-api-key-v2');
  });
  after(async () => {
    await s?.stop();
  });

  it('registers v1, enables it, upgrades to v2 with a reload, and v1 tokens stay valid', async () => {
    assert.equal(await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=auth-api-key-v1', 'auth', 'api-key']), 'Success! Registered plugin: api-key\n');
    assert.equal(await s.ok(['auth', 'enable', 'api-key']), 'Success! Enabled api-key auth method at: api-key/\n');
    assert.match(await s.ok(['plugin', 'list', 'auth']), /^api-key\s+n\/a$/m);

    const created = await s.json(['write', 'auth/api-key/keys/ci', 'policies=deploy', 'ttl=1h']);
    const key = created.data.key as string;
    assert.match(key, /^ci:[A-Za-z0-9_-]{43}$/);

    // Log in with v1: no token is needed for the login path.
    const login1 = await s.json(['write', 'auth/api-key/login', `key=${key}`], '');
    assert.deepEqual(login1.auth.policies, ['default', 'deploy']);
    assert.deepEqual(login1.auth.metadata, { key_name: 'ci' });
    assert.equal(login1.auth.lease_duration, 3600);
    const v1Token = login1.auth.client_token as string;
    const keyV1 = await s.json(['read', 'auth/api-key/keys/ci']);
    assert.equal(keyV1.data.last_login_time, undefined, 'v1 does not track logins');

    const wrong = await s.fails(['write', 'auth/api-key/login', 'key=ci:not-the-key'], '');
    assert.match(wrong, /Code: 400/);
    assert.match(wrong, /invalid API key/);

    // Register v2 under the same name; the mount keeps running v1 until reloaded.
    await s.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=auth-api-key-v2', 'auth', 'api-key']);
    assert.equal((await s.mount('api-key/', 'auth')).running_plugin_version, 'v1.0.0');
    assert.equal(await s.ok(['plugin', 'reload', '-plugin', 'api-key']), 'Success! Reloaded plugin: api-key\n');
    const mount = await s.mount('api-key/', 'auth');
    assert.deepEqual([mount.running_plugin_version, mount.running_sha256], ['v2.0.0', sha2]);
    assert.deepEqual(processesRunning(`${s.pluginDir}/auth-api-key-v1`), []);

    // The key made by v1 logs in with v2, which adds its new behaviour.
    const login2 = await s.json(['write', 'auth/api-key/login', `key=${key}`], '');
    assert.deepEqual(login2.auth.metadata, { key_name: 'ci', plugin_version: 'v2.0.0' });
    const keyV2 = await s.json(['read', 'auth/api-key/keys/ci']);
    assert.match(keyV2.data.last_login_time, /^\d{4}-\d{2}-\d{2}T/);
    assert.deepEqual(keyV2.data.policies, ['deploy']);

    // The token v1 issued is still valid and renews through v2.
    const lookup = await s.json(['token', 'lookup', v1Token]);
    assert.deepEqual(lookup.data.meta, { key_name: 'ci' });
    assert.equal(lookup.data.path, 'auth/api-key/login');
    const renewed = await s.json(['token', 'renew', v1Token]);
    assert.equal(renewed.auth.client_token, v1Token);
    assert.equal(renewed.auth.lease_duration, 3600);

    // The same reload, by mount path.
    assert.equal(await s.ok(['plugin', 'reload', '-mounts=auth/api-key/']), 'Success! Reloaded mounts: [auth/api-key/]\n');
    const login3 = await s.json(['write', 'auth/api-key/login', `key=${key}`], '');
    assert.equal(login3.auth.metadata.plugin_version, 'v2.0.0');

    // Back to v1: the extra field v2 stored is ignored.
    await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=auth-api-key-v1', 'auth', 'api-key']);
    await s.ok(['plugin', 'reload', '-plugin=api-key']);
    const back = await s.json(['read', 'auth/api-key/keys/ci']);
    assert.equal(back.data.last_login_time, undefined);
    const login4 = await s.json(['write', 'auth/api-key/login', `key=${key}`], '');
    assert.deepEqual(login4.auth.metadata, { key_name: 'ci' });
  });

  it('refuses to mount an auth plugin as a secrets engine', async () => {
    const refused = await s.fails(['secrets', 'enable', '-path=not-secrets', 'api-key']);
    assert.match(refused, /Code: 400/);
  });
});
