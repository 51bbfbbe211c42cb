// coffer agent auto-auth with the cert method against a real TLS server: the
// agent logs in with the client certificate of its method config and renews
// the token through the same connection settings (the cert method refuses a
// renewal that does not present the login's certificate).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issue } from '../../support/client-certificates.js';
import { fileChanged, startAgent, waitFor } from '../../support/agent-process.js';
import { startTlsServerProcess } from '../../support/tls-server-process.js';

test('cert auto-auth: token in the sink, renewed with the client certificate instead of logging in again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-cert-'));
  const server = await startTlsServerProcess(dir);
  let agent: ReturnType<typeof startAgent> | undefined;
  try {
    const root = await createCa('CN=Agents CA');
    const machine = await issue({ subject: 'CN=build-agent-7' }, root);
    writeFileSync(join(dir, 'agent.pem'), machine.cert);
    writeFileSync(join(dir, 'agent-key.pem'), machine.key, { mode: 0o600 });
    assert.equal((await server.call('POST', 'sys/auth/cert', { type: 'cert' })).status, 204);
    const trusted = await server.call('POST', 'auth/cert/certs/agents', { certificate: root.cert, token_ttl: '3s', token_max_ttl: '1h' });
    assert.equal(trusted.status, 204, JSON.stringify(trusted.body));

    const config = join(dir, 'agent.hcl');
    writeFileSync(
      config,
      `vault {
  address = "${server.address}"
  ca_cert = "${server.caFile}"
}
auto_auth {
  method "cert" {
    config = {
      name = "agents"
      client_cert = "${join(dir, 'agent.pem')}"
      client_key = "${join(dir, 'agent-key.pem')}"
    }
  }
  sink "file" {
    config = { path = "${join(dir, 'token')}" }
  }
}
`,
    );
    agent = startAgent([`-config=${config}`, '-log-level=debug']);
    const token = await waitFor('the first token', fileChanged(join(dir, 'token')), 20_000, agent);
    const self = await server.call('GET', 'auth/token/lookup-self', undefined, token);
    assert.equal(self.status, 200);
    assert.equal(self.body.data.meta.common_name, 'build-agent-7');

    // Two renewals at two thirds of 3s: the same token stays in the sink.
    await waitFor('two renewals', () => ((agent!.output().match(/renewed auth token/g) ?? []).length >= 2 ? true : undefined), 20_000, agent);
    assert.doesNotMatch(agent.output(), /renewing the token failed/);
    assert.equal(fileChanged(join(dir, 'token'))(), token);
  } finally {
    await agent?.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
