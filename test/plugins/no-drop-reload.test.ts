// The no-drop reload guarantee, end to end: several keep-alive clients send
// a steady stream of writes and reads to a plugin mount while the plugin is
// reloaded ten times with `coffer plugin reload` (from v1 to v2 and back on
// the way). Not one request may fail, and no connection may be dropped.
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { builtExamples, PluginServer, processesRunning } from './support.js';

interface Answer {
  status: number;
  servedBy: string;
  body: string;
}

/** One HTTP/1.1 request on the client's own keep-alive agent. */
function call(agent: Agent, sockets: Set<Socket>, base: URL, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      { agent, host: base.hostname, port: base.port, method, path: `/v1/${path}`, headers: { 'X-Vault-Token': token, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, servedBy: String(res.headers['x-coffer-plugin'] ?? ''), body: text }));
        res.on('error', reject);
      },
    );
    req.on('socket', (socket) => sockets.add(socket));
    req.on('error', reject);
    req.end(payload);
  });
}

describe('no request is dropped while a plugin is reloaded (real server)', () => {
  let s: PluginServer;
  let sha1: string;
  let sha2: string;

  before(async () => {
    const { plugins } = await builtExamples();
    s = await PluginServer.start();
    sha1 = s.install(plugins.get('kv-secrets-v1')!.file, 'kv-secrets-v1');
    sha2 = s.install(plugins.get('kv-secrets-v2')!.file, 'kv-secrets-v2');
  });
  after(async () => {
    await s?.stop();
  });

  it('serves every request of 8 keep-alive clients through 10 reloads', async () => {
    await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=kv-secrets-v1', 'secret', 'stream-kv']);
    // The plugin names itself in a response header, which reaches the client only when the mount allows it.
    await s.ok(['secrets', 'enable', '-path=stream', '-allowed-response-headers=X-Coffer-Plugin', 'stream-kv']);

    const base = new URL(s.address);
    const failures: string[] = [];
    const servedBy = new Map<string, number>();
    let requests = 0;
    let stop = false;
    const agents: Agent[] = [];
    const sockets = new Set<Socket>();
    const pids = new Set<number>();

    // Each client writes its own key and reads it back, over one persistent connection.
    const client = async (n: number) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      for (let i = 0; !stop; i++) {
        const value = `client-${n}-value-${i}`;
        try {
          const put = await call(agent, sockets, base, s.rootToken, 'PUT', `stream/client-${n}`, { value });
          requests++;
          if (put.status !== 204) failures.push(`PUT ${put.status} ${put.body}`);
          const get = await call(agent, sockets, base, s.rootToken, 'GET', `stream/client-${n}`);
          requests++;
          servedBy.set(get.servedBy, (servedBy.get(get.servedBy) ?? 0) + 1);
          if (get.status !== 200) failures.push(`GET ${get.status} ${get.body}`);
          else if ((JSON.parse(get.body) as { data: { value: string } }).data.value !== value) failures.push(`GET returned a stale value: ${get.body}`);
        } catch (err) {
          failures.push(`request error: ${String(err)}`);
        }
        // A steady stream, not a flood: the CLI and the new plugin process need CPU too.
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const clients = Array.from({ length: 8 }, (_, n) => client(n));

    try {
      for (let reload = 1; reload <= 10; reload++) {
        // Let traffic flow on the current process before each switch.
        const before = requests;
        while (requests < before + 30 && failures.length === 0) await new Promise((r) => setTimeout(r, 5));
        // Reload 1 moves to v2 and reload 6 back to v1; the others restart the same version.
        if (reload === 1) await s.ok(['plugin', 'register', `-sha256=${sha2}`, '-command=kv-secrets-v2', 'secret', 'stream-kv']);
        if (reload === 6) await s.ok(['plugin', 'register', `-sha256=${sha1}`, '-command=kv-secrets-v1', 'secret', 'stream-kv']);
        assert.equal(await s.ok(['plugin', 'reload', '-plugin=stream-kv']), 'Success! Reloaded plugin: stream-kv\n');
        const running = [...processesRunning(join(s.pluginDir, 'kv-secrets-v1')), ...processesRunning(join(s.pluginDir, 'kv-secrets-v2'))];
        assert.equal(running.length, 1, `after reload ${reload} exactly one plugin process runs (the old one was stopped)`);
        pids.add(running[0]!);
      }
      const before = requests;
      while (requests < before + 30 && failures.length === 0) await new Promise((r) => setTimeout(r, 5));
    } finally {
      stop = true;
      await Promise.all(clients);
      for (const agent of agents) agent.destroy();
    }

    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${requests} requests failed`);
    assert.ok(requests >= 400, `the stream kept flowing (${requests} requests)`);
    assert.ok((servedBy.get('kv-secrets v1.0.0') ?? 0) > 0 && (servedBy.get('kv-secrets v2.0.0') ?? 0) > 0, `both versions served: ${JSON.stringify([...servedBy])}`);
    assert.equal(pids.size, 10, 'every reload started a new process');
    assert.equal(sockets.size, 8, 'each client kept its one keep-alive connection: none was dropped');
    // Reload 6 went back to version 1, which serves at the end.
    assert.equal((await s.mount('stream/')).running_plugin_version, 'v1.0.0');
  });
});
