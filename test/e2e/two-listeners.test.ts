// Two listener blocks in one HCL file: both serve, each with its own max_request_size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { freePort, sqliteServerConfig, startCoffer } from '../support/coffer-process.js';

test('each listener enforces its own max_request_size', async () => {
  const [port, smallPort] = [await freePort(), await freePort()];
  const cfg = sqliteServerConfig(port, `listener "tcp" {\n  address = "127.0.0.1:${smallPort}"\n  tls_disable = true\n  max_request_size = 1024\n}\n`);
  const server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
  try {
    const body = JSON.stringify({ secret_shares: 1, secret_threshold: 1, padding: 'x'.repeat(4096) });
    const small = await fetch(`http://127.0.0.1:${smallPort}/v1/sys/init`, { method: 'PUT', body });
    assert.equal(small.status, 413);
    const init = await fetch(`http://127.0.0.1:${port}/v1/sys/init`, { method: 'PUT', body });
    assert.equal(init.status, 200, await init.clone().text());
    const status = await fetch(`http://127.0.0.1:${smallPort}/v1/sys/seal-status`);
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as { initialized: boolean }).initialized, true);
  } finally {
    await server.stop();
    rmSync(cfg.dir, { recursive: true, force: true });
  }
});
