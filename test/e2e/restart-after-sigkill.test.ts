// Durability: writes acknowledged by a server on the embedded default (sqlite)
// survive SIGKILL in the middle of a write load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { freePort, sqliteServerConfig, startCoffer } from '../support/coffer-process.js';

async function api(address: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${address}/v1/${path}`, { method, headers: { 'X-Vault-Token': token, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

test('acknowledged writes survive SIGKILL mid-load', async () => {
  const port = await freePort();
  const cfg = sqliteServerConfig(port);
  try {
    let server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
    const init = await api(server.address, 'PUT', 'sys/init', '', { secret_shares: 1, secret_threshold: 1 });
    assert.equal(init.status, 200);
    const key = init.body.keys[0] as string;
    const root = init.body.root_token as string;
    assert.equal((await api(server.address, 'PUT', 'sys/unseal', '', { key })).body.sealed, false);
    assert.equal((await api(server.address, 'POST', 'sys/mounts/secret', root, { type: 'kv', options: { version: '2' } })).status, 204);

    // Eight concurrent writers; a write counts only once its 200 arrived.
    const acknowledged = new Map<string, string>();
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const path = `secret/data/load/w${w}/k${i}`;
        const value = `value-${w}-${i}`;
        try {
          const res = await api(server.address, 'POST', path, root, { data: { value } });
          if (res.status === 200) acknowledged.set(path, value);
        } catch {
          return; // the connection died with the process
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));
    while (acknowledged.size < 300) await new Promise((r) => setTimeout(r, 10));
    await server.kill();
    stop = true;
    await Promise.all(writers);
    assert.ok(acknowledged.size >= 300);

    server = await startCoffer(['server', `-config=${cfg.configPath}`], port);
    try {
      assert.equal((await api(server.address, 'GET', 'sys/seal-status', '')).body.sealed, true);
      assert.equal((await api(server.address, 'PUT', 'sys/unseal', '', { key })).body.sealed, false);
      const missing: string[] = [];
      for (const [path, value] of acknowledged) {
        const res = await api(server.address, 'GET', path, root);
        if (res.status !== 200 || res.body.data.data.value !== value) missing.push(path);
      }
      assert.deepEqual(missing, [], `${missing.length} acknowledged writes were lost`);
      // The store still takes writes and lists cleanly.
      assert.equal((await api(server.address, 'POST', 'secret/data/after-restart', root, { data: { ok: 'yes' } })).status, 200);
      const list = await api(server.address, 'LIST', 'secret/metadata/load', root);
      assert.equal(list.status, 200);
      assert.equal(list.body.data.keys.length, 8);
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(cfg.dir, { recursive: true, force: true });
  }
});
