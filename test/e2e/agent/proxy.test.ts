// coffer agent as a caching API proxy in front of a real server process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import https from 'node:https';
import { selfSignedCertificate } from '../../support/certificates.js';
import { runCli } from '../../support/coffer-process.js';
import { devServerForFile, exitCode, rootTokenAgentConfig, startAgent, vaultApi, waitFor } from '../../support/agent-process.js';

const ROOT = 'root';

const sharedServer = devServerForFile(ROOT);

/** Sends a request made with node:http or node:https (for what fetch cannot: a CA, a unix socket) and reads its JSON answer. */
function requestJson(send: (onResponse: (res: http.IncomingMessage) => void) => http.ClientRequest): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = send((res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('caching proxy: a tokenless app reads through the agent (plain and TLS listeners), identical token creates share a lease, revocation through the agent evicts it', async () => {
  const server = sharedServer();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-proxy-'));
  await vaultApi(server.address, 'POST', 'secret/data/app', ROOT, { data: { password: 'through-the-agent' } });
  const { cert, key } = await selfSignedCertificate();
  writeFileSync(join(dir, 'cert.pem'), cert);
  writeFileSync(join(dir, 'key.pem'), key);
  const config = rootTokenAgentConfig(
    dir,
    server.address,
    ROOT,
    `api_proxy { use_auto_auth_token = true }
cache {}
listener "tcp" {
  address = "127.0.0.1:0"
  tls_disable = true
  agent_api { enable_quit = true }
}
listener "tcp" {
  address = "127.0.0.1:0"
  tls_cert_file = "${join(dir, 'cert.pem')}"
  tls_key_file = "${join(dir, 'key.pem')}"
}`,
  );
  const agent = startAgent([`-config=${config}`]);
  const listening = await waitFor('the listener', () => /listening for API requests type=tcp address=(\S+) tls=false/.exec(agent.output())?.[1], 10_000, agent);
  const tlsListening = await waitFor('the TLS listener', () => /listening for API requests type=tcp address=(\S+) tls=true/.exec(agent.output())?.[1], 10_000, agent);
  const agentAddr = `http://${listening}`;
  await waitFor('auto-auth', () => (agent.output().includes('authentication successful') ? true : undefined), 10_000, agent);

  // No token from the app: the agent's is used.
  const read = await fetch(`${agentAddr}/v1/secret/data/app`);
  assert.equal(read.status, 200);
  assert.equal(((await read.json()) as any).data.data.password, 'through-the-agent');

  // The same over the TLS listener.
  const overTls = await requestJson((onResponse) => https.request(`https://${tlsListening}/v1/secret/data/app`, { ca: cert }, onResponse));
  assert.equal(overTls.status, 200);
  assert.equal(overTls.body.data.data.password, 'through-the-agent');

  const create = async () => {
    const res = await fetch(`${agentAddr}/v1/auth/token/create`, { method: 'POST', body: JSON.stringify({ policies: ['default'], ttl: '1h' }) });
    assert.equal(res.status, 200);
    return { token: ((await res.json()) as any).auth.client_token as string, cache: res.headers.get('x-cache') };
  };
  const first = await create();
  const second = await create();
  assert.equal(second.token, first.token, 'the identical request got the cached lease');
  assert.equal(second.cache, 'HIT');
  assert.equal((await vaultApi(server.address, 'GET', 'auth/token/lookup-self', first.token)).status, 200);

  // Revoked through the agent: evicted, so the next identical request gets a new token.
  const revoke = await fetch(`${agentAddr}/v1/auth/token/revoke`, { method: 'POST', body: JSON.stringify({ token: first.token }) });
  assert.equal(revoke.status, 204);
  const third = await create();
  assert.notEqual(third.token, first.token);
  assert.equal(third.cache, null);

  // cache-clear and metrics.
  const clear = await fetch(`${agentAddr}/agent/v1/cache-clear`, { method: 'POST', body: JSON.stringify({ type: 'token', value: third.token }) });
  assert.equal(clear.status, 200);
  assert.notEqual((await create()).token, third.token);
  const badClear = await fetch(`${agentAddr}/agent/v1/cache-clear`, { method: 'POST', body: JSON.stringify({ type: 'nonsense' }) });
  assert.equal(badClear.status, 400);
  assert.ok(Array.isArray(((await badClear.json()) as any).errors));
  const metrics = (await (await fetch(`${agentAddr}/agent/v1/metrics`)).json()) as any;
  const hits = metrics.Counters.find((c: any) => c.Name === 'vault.agent.cache.hit');
  assert.equal(hits?.Count, 1);
  assert.equal(metrics.Counters.find((c: any) => c.Name === 'vault.agent.auth.success')?.Count, 1);

  // /agent/v1/quit ends the agent.
  assert.equal((await fetch(`${agentAddr}/agent/v1/quit`, { method: 'POST' })).status, 200);
  assert.equal(await exitCode(agent), 0, agent.output());
});

test('coffer proxy on a unix socket: forwards with its token, LIST works, and template stanzas are refused', async () => {
  const server = sharedServer();
  const dir = mkdtempSync(join(tmpdir(), 'coffer-proxy-'));
  await vaultApi(server.address, 'POST', 'secret/data/listed/one', ROOT, { data: { a: '1' } });
  const socket = join(dir, 'proxy.sock');
  const configPath = rootTokenAgentConfig(
    dir,
    server.address,
    ROOT,
    `api_proxy { use_auto_auth_token = "force" }
listener "unix" {
  address = "${socket}"
  socket_mode = "0600"
}`,
    'proxy.hcl',
  );
  const proxy = startAgent([`-config=${configPath}`], {}, 'proxy');
  try {
    await waitFor('the socket', () => (/listening for API requests type=unix/.test(proxy.output()) ? true : undefined), 10_000, proxy);
    await waitFor('auto-auth', () => (proxy.output().includes('authentication successful') ? true : undefined), 10_000, proxy);
    const list = await requestJson((onResponse) =>
      http.request({ socketPath: socket, path: '/v1/secret/metadata/listed', method: 'LIST', headers: { 'X-Vault-Token': 'ignored-because-forced' } }, onResponse),
    );
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.keys, ['one']);
  } finally {
    await proxy.stop();
  }

  writeFileSync(join(dir, 'with-template.hcl'), `${readFileSync(configPath, 'utf8')}\ntemplate {\n contents = "x"\n destination = "${join(dir, 'out')}"\n}\n`);
  const refused = await runCli(['proxy', `-config=${join(dir, 'with-template.hcl')}`]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /template, env_template and exec stanzas are for coffer agent/);
});
