// The plugin runtime catalog through the HTTP API and the coffer CLI against
// a real server: register, read (with how this node enforces the runtime),
// list, update and deregister; Vault's "container" type stored but refused
// at run time; bad input refused with a 400; plugin register -runtime=NAME;
// and a runtime still named by a plugin cannot be deregistered.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PluginServer } from './support.js';
import { randomBytes } from 'node:crypto';
import { removeCgroupParent, sandboxProbePlugin } from './support/runtime-host.js';

// Reading a runtime creates (and removes) a probe cgroup under its cgroup_parent: parents of our own, removed at the end.
const tag = randomBytes(4).toString('hex');
const cliParent = `coffer-cli-${tag}`;
const httpParent = `tenants-${tag}`;

describe('plugin runtime catalog (HTTP and coffer CLI, real server)', () => {
  let s: PluginServer;
  let sha: string;

  /** `coffer plugin runtime VERB -format=json ARGS…`, parsed. */
  const runtimeJson = async (verb: string, args: string[]): Promise<any> => JSON.parse(await s.ok(['plugin', 'runtime', verb, '-format=json', ...args]));

  before(async () => {
    const probe = sandboxProbePlugin();
    s = await PluginServer.start();
    sha = s.install(probe, 'sandbox-probe');
  });
  after(async () => {
    await s?.stop();
    for (const parent of [cliParent, `${httpParent}/a`, httpParent]) removeCgroupParent(parent);
  });

  it('registers, reads, lists, updates and deregisters a process runtime over HTTP, with Vault\'s envelope', async () => {
    const put = await s.http('PUT', 'sys/plugins/runtimes/catalog/process/http-rt', { memory_bytes: 67108864, cpu_nanos: 250000000, pids_max: 32, allow_network: true, cgroup_parent: `/${httpParent}/a/` });
    assert.equal(put.status, 204, JSON.stringify(put.body));

    const read = await s.http('GET', 'sys/plugins/runtimes/catalog/process/http-rt');
    assert.equal(read.status, 200);
    const { enforcement, enforcement_details: details, enforcement_problems: problems, ...fields } = read.body.data;
    assert.deepEqual(fields, {
      name: 'http-rt',
      type: 'process',
      oci_runtime: '',
      cgroup_parent: `${httpParent}/a`,
      cpu_nanos: 250000000,
      memory_bytes: 67108864,
      rootless: false,
      pids_max: 32,
      run_as_user: '',
      allow_network: true,
    });
    // Which mechanism depends on the host (runtime-limits.test.ts checks the cgroup case).
    assert.match(enforcement, /^(cgroup v[12]|setrlimit|cgroup v[12] \+ setrlimit|none)$/);
    assert.match(details.memory, /^64 MiB/);
    assert.equal(details.network, 'allowed (the host network)');
    assert.ok(Array.isArray(problems));

    const list = await s.http('LIST', 'sys/plugins/runtimes/catalog');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.runtimes.map((r: { name: string }) => r.name), ['http-rt']);
    const filtered = await s.http('GET', 'sys/plugins/runtimes/catalog?type=container');
    assert.equal(filtered.body?.data?.runtimes, undefined);

    assert.equal((await s.http('POST', 'sys/plugins/runtimes/catalog/process/http-rt', { memory_bytes: 134217728, allow_network: true })).status, 204);
    const updated = await s.http('GET', 'sys/plugins/runtimes/catalog/process/http-rt');
    assert.equal(updated.body.data.memory_bytes, 134217728);
    assert.equal(updated.body.data.cpu_nanos, 0, 'a registration replaces the whole runtime, as in Vault');

    assert.equal((await s.http('DELETE', 'sys/plugins/runtimes/catalog/process/http-rt')).status, 204);
    assert.equal((await s.http('GET', 'sys/plugins/runtimes/catalog/process/http-rt')).status, 404);
    const again = await s.http('DELETE', 'sys/plugins/runtimes/catalog/process/http-rt');
    assert.equal(again.status, 404);
    assert.match(again.body.errors[0], /not registered/);
  });

  it('refuses bad registrations with a 400 that says what is wrong, and stores nothing', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['sys/plugins/runtimes/catalog/vm/bad', {}, /"vm" is not a supported plugin runtime type/],
      ['sys/plugins/runtimes/catalog/process/bad', { memory_bytes: -1 }, /memory in bytes cannot be negative/],
      ['sys/plugins/runtimes/catalog/process/bad', { cpu_nanos: 1000 }, /below 10000000 \(0\.01 CPU\)/],
      ['sys/plugins/runtimes/catalog/process/bad', { oci_runtime: 'runc' }, /oci_runtime only applies to runtimes of type "container"/],
      ['sys/plugins/runtimes/catalog/process/bad', { cgroup_parent: '../escape' }, /cgroup_parent "..\/escape" must be a path of plain names/],
      ['sys/plugins/runtimes/catalog/process/bad', { run_as_user: 'a b' }, /not a user name or a numeric uid/],
      ['sys/plugins/runtimes/catalog/container/bad', { pids_max: 5 }, /pids_max only apply to runtimes of type "process"/],
      ['sys/plugins/runtimes/catalog/process/bad%20name', {}, /invalid plugin runtime name/],
    ];
    for (const [path, body, message] of cases) {
      const res = await s.http('PUT', path, body);
      assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.errors.join(' '), message);
    }
    assert.equal((await s.http('LIST', 'sys/plugins/runtimes/catalog')).body?.data?.runtimes, undefined);
  });

  it('drives the catalog with coffer plugin runtime register|info|list|deregister, with Vault\'s flags and messages', async () => {
    assert.deepEqual(await runtimeJson('list', []), [], 'an empty catalog lists as empty, not as an error');
    assert.match(
      await s.ok(['plugin', 'runtime', 'register', '-type=process', '-memory_bytes=67108864', '-cpu_nanos=500000000', '-pids_max=64', `-cgroup_parent=${cliParent}`, 'cli-rt']),
      /Success! Registered plugin runtime: cli-rt/,
    );
    assert.match(await s.ok(['plugin', 'runtime', 'register', '-type=container', '-oci_runtime=runc', '-rootless', 'runc']), /Registered plugin runtime: runc/);

    const info = await runtimeJson('info', ['-type=process', 'cli-rt']);
    assert.equal(info.memory_bytes, 67108864);
    assert.equal(info.allow_network, false);
    assert.equal(typeof info.enforcement, 'string');
    assert.match(info.enforcement_details.network, /network namespace|NOT ISOLATED/);
    const table = await s.ok(['plugin', 'runtime', 'info', '-type=process', 'cli-rt']);
    assert.match(table, /^enforcement\s+\S/m);
    assert.match(table, /^enforcement_memory\s+64 MiB/m);
    assert.equal((await s.ok(['plugin', 'runtime', 'info', '-type=container', '-field=oci_runtime', 'runc'])), 'runc');
    const container = await runtimeJson('info', ['-type=container', 'runc']);
    assert.equal(container.rootless, true);
    assert.equal(container.enforcement, 'unsupported');

    const list = await s.ok(['plugin', 'runtime', 'list']);
    assert.match(list, /^Name\s+Type\s+OCI Runtime\s+Parent Cgroup\s+CPU Nanos\s+Memory Bytes\s+Pids Max\s+Run As User\s+Allow Network$/m);
    assert.match(list, /^runc\s+container\s+runc\s+n\/a\s+0\s+0\s+0\s+n\/a\s+false$/m);
    assert.match(list, new RegExp(`^cli-rt\\s+process\\s+n/a\\s+${cliParent}\\s+500000000\\s+67108864\\s+64\\s+n/a\\s+false$`, 'm'));
    const json = await runtimeJson('list', ['-type=process']);
    assert.deepEqual(json.map((r: { name: string }) => r.name), ['cli-rt']);

    assert.match(await s.fails(['plugin', 'runtime', 'register', 'no-type']), /-type is required for plugin runtime registration/);
    assert.match(await s.fails(['plugin', 'runtime', 'info', '-type=process', 'missing']), /Error reading plugin runtime named missing: [^]*Code: 404/);

    assert.match(await s.ok(['plugin', 'runtime', 'deregister', '-type=container', 'runc']), /Success! Deregistered plugin runtime: runc/);
    assert.match(await s.fails(['plugin', 'runtime', 'deregister', '-type=container', 'runc']), /Code: 404/);
  });

  it('plugin register -runtime=NAME stores the runtime on the catalog entry; an unknown or container runtime is refused', async () => {
    await s.ok(['plugin', 'runtime', 'register', '-type=process', '-allow_network', 'open-rt']);
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=open-rt', 'secret', 'probe-in-rt']);
    const info = await s.json(['plugin', 'info', 'secret', 'probe-in-rt']);
    assert.equal(info.runtime, 'open-rt');
    assert.equal((await s.http('GET', 'sys/plugins/catalog/secret/probe-in-rt')).body.data.runtime, 'open-rt');

    let stderr = await s.fails(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=nope', 'secret', 'probe-nope']);
    assert.match(stderr, /Code: 400/);
    assert.match(stderr, /plugin runtime "nope" is not registered/);

    await s.ok(['plugin', 'runtime', 'register', '-type=container', 'gvisor']);
    stderr = await s.fails(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=gvisor', 'secret', 'probe-container']);
    assert.match(stderr, /Code: 400/);
    assert.match(stderr, /plugin runtime "gvisor" is of type "container": Coffer runs no containers/);
    assert.equal((await s.http('GET', 'sys/plugins/catalog/secret/probe-container')).status, 404);

    // The plugin runs (network allowed, no limits: works on any host).
    await s.ok(['secrets', 'enable', '-path=inrt', 'probe-in-rt']);
    assert.equal((await s.json(['read', 'inrt/ok'])).data.ok, true);
  });

  it('refuses to deregister a runtime a registered plugin still names (400), until the plugin is gone', async () => {
    await s.ok(['plugin', 'runtime', 'register', '-type=process', '-allow_network', 'busy-rt']);
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=busy-rt', '-version=v0.0.1', 'secret', 'probe-busy']);
    const res = await s.http('DELETE', 'sys/plugins/runtimes/catalog/process/busy-rt');
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0], /unable to delete "busy-rt" runtime: registered plugins are referencing it \(secret\/probe-busy v0\.0\.1\)/);
    const stderr = await s.fails(['plugin', 'runtime', 'deregister', '-type=process', 'busy-rt']);
    assert.match(stderr, /Code: 400/);
    assert.equal((await s.http('GET', 'sys/plugins/runtimes/catalog/process/busy-rt')).status, 200, 'still registered');

    await s.ok(['plugin', 'deregister', '-version=v0.0.1', 'secret', 'probe-busy']);
    await s.ok(['plugin', 'runtime', 'deregister', '-type=process', 'busy-rt']);
  });

  it('needs sudo, as Vault\'s runtime endpoints do', async () => {
    const policy = (caps: string) => `path "sys/plugins/runtimes/catalog" { capabilities = [${caps}] }\npath "sys/plugins/runtimes/catalog/*" { capabilities = [${caps}] }`;
    assert.equal((await s.http('PUT', 'sys/policies/acl/rt-plain', { policy: policy('"create", "update", "read", "list", "delete"') })).status, 204);
    assert.equal((await s.http('PUT', 'sys/policies/acl/rt-sudo', { policy: policy('"create", "update", "read", "list", "delete", "sudo"') })).status, 204);
    const token = async (p: string): Promise<string> => (await s.http('POST', 'auth/token/create', { policies: [p] })).body.auth.client_token;
    const plain = await token('rt-plain');
    const sudo = await token('rt-sudo');
    assert.equal((await s.http('PUT', 'sys/plugins/runtimes/catalog/process/sudo-rt', { allow_network: true }, plain)).status, 403);
    assert.equal((await s.http('LIST', 'sys/plugins/runtimes/catalog', undefined, plain)).status, 403);
    assert.equal((await s.http('PUT', 'sys/plugins/runtimes/catalog/process/sudo-rt', { allow_network: true }, sudo)).status, 204);
    assert.equal((await s.http('GET', 'sys/plugins/runtimes/catalog/process/sudo-rt', undefined, sudo)).status, 200);
    assert.equal((await s.http('DELETE', 'sys/plugins/runtimes/catalog/process/sudo-rt', undefined, sudo)).status, 204);
  });
});
