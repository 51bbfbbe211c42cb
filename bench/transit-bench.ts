// Transit: encrypt and decrypt (aes256-gcm96, 1 KiB) and sign (ed25519,
// ecdsa-p256) against a dev server, beside the KV v2 read of the same run,
// with the server's CPU time per request (from /proc, so Linux only).
import { randomBytes } from 'node:crypto';
import { printTable, runLoad, type LoadResult, type LoadSpec } from './load.js';
import { startDevServer } from './server-process.js';

/** A load result with the server's CPU (user + system) per request, in microseconds. */
export type TransitBenchRow = LoadResult;

export async function transitBench(): Promise<TransitBenchRow[]> {
  const server = await startDevServer();
  try {
    const h = { 'X-Vault-Token': server.token };
    const call = async (method: string, path: string, body?: unknown): Promise<any> => {
      const res = await fetch(`${server.address}/v1/${path}`, { method, headers: { ...h, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    };
    await call('POST', 'secret/data/bench', { data: { username: 'app', password: 'correct-horse-battery-staple' } });
    await call('POST', 'sys/mounts/transit', { type: 'transit' });
    await call('POST', 'transit/keys/aes', { type: 'aes256-gcm96' });
    await call('POST', 'transit/keys/ed', { type: 'ed25519' });
    await call('POST', 'transit/keys/p256', { type: 'ecdsa-p256' });
    const plaintext = randomBytes(1024).toString('base64');
    const { data } = await call('POST', 'transit/encrypt/aes', { plaintext });
    const input = randomBytes(64).toString('base64');

    // runLoad measures the server process's own CPU time over the run.
    const measure = (spec: LoadSpec): Promise<TransitBenchRow> => runLoad({ ...spec, serverPid: server.child.pid! });
    const post = (name: string, path: string, body: unknown): LoadSpec => ({ name, url: `${server.address}/v1/${path}`, method: 'POST', headers: h, body: JSON.stringify(body) });
    // Warm the JIT first, so the first measured row is not the cold one.
    await runLoad({ name: 'warm-up', url: `${server.address}/v1/secret/data/bench`, headers: h, duration: 1 });
    await runLoad({ ...post('warm-up', 'transit/encrypt/aes', { plaintext }), duration: 1 });
    const rows = [
      await measure({ name: 'kv v2 read', url: `${server.address}/v1/secret/data/bench`, headers: h }),
      await measure(post('transit encrypt aes256-gcm96 1 KiB', 'transit/encrypt/aes', { plaintext })),
      await measure(post('transit decrypt aes256-gcm96 1 KiB', 'transit/decrypt/aes', { ciphertext: data.ciphertext })),
      await measure(post('transit sign ed25519', 'transit/sign/ed', { input })),
      await measure(post('transit sign ecdsa-p256', 'transit/sign/p256', { input })),
    ];
    // The KV v2 read of the same run is the first row, for comparison.
    printTable('Transit (coffer server -dev, autocannon 32 connections)', rows);
    return rows;
  } finally {
    await server.stop();
  }
}
