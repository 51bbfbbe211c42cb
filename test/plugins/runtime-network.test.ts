// A process runtime without allow_network runs the plugin in a network
// namespace of its own: it cannot reach a TCP port on the host's loopback,
// yet it serves (the server and the plugin talk over unix sockets, which a
// network namespace does not cut). With allow_network it reaches the port.
// Skipped, with the reason, where the server cannot create the namespace.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../support/coffer-process.js';
import { PluginServer } from './support.js';
import { sandboxProbePlugin, skipWithoutNetns } from './support/runtime-host.js';

describe('process runtime network isolation (real server)', { skip: await skipWithoutNetns() }, () => {
  let s: PluginServer;
  let listener: Server;
  let port: number;

  before(async () => {
    port = await freePort();
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(port, '127.0.0.1', resolve));
    s = await PluginServer.start();
    const sha = s.install(sandboxProbePlugin(), 'sandbox-probe');
    await s.ok(['plugin', 'runtime', 'register', '-type=process', 'offline']);
    await s.ok(['plugin', 'runtime', 'register', '-type=process', '-allow_network', 'online']);
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=offline', 'secret', 'probe-offline']);
    await s.ok(['plugin', 'register', `-sha256=${sha}`, '-command=sandbox-probe', '-runtime=online', 'secret', 'probe-online']);
    await s.ok(['secrets', 'enable', '-path=offline', 'probe-offline']);
    await s.ok(['secrets', 'enable', '-path=online', 'probe-online']);
  });
  after(async () => {
    await s?.stop();
    listener?.close();
  });

  it('a plugin without allow_network cannot connect to a loopback TCP port, but serves', async () => {
    const res = await s.http('GET', `offline/connect/${port}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.connected, false);
    assert.match(res.body.data.error, /^(ENETUNREACH|ECONNREFUSED|EHOSTUNREACH|timeout)$/);
    assert.equal((await s.http('GET', 'offline/ok')).body.data.ok, true);
    const info = JSON.parse(await s.ok(['plugin', 'runtime', 'info', '-format=json', '-type=process', 'offline']));
    assert.match(info.enforcement_details.network, /^none: a new network namespace/);
  });

  it('a plugin with allow_network connects to the same port', async () => {
    const res = await s.http('GET', `online/connect/${port}`);
    assert.deepEqual(res.body.data, { connected: true });
    const info = JSON.parse(await s.ok(['plugin', 'runtime', 'info', '-format=json', '-type=process', 'online']));
    assert.equal(info.enforcement_details.network, 'allowed (the host network)');
  });
});
