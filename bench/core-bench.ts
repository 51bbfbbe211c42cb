import { startCeiling } from './ceiling.js';
import { printTable, runLoad, type LoadResult } from './load.js';
import { startDevServer } from './server-process.js';

/** KV v2 read/write, token create and userpass login against a dev server, with a bare-Node ceiling. */
export async function coreBench(): Promise<{ rows: LoadResult[]; ceiling: LoadResult }> {
  const server = await startDevServer();
  try {
    const h = { 'X-Vault-Token': server.token };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.address}/v1/${path}`, { method, headers: { ...h, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    };
    await call('POST', 'secret/data/bench', { data: { username: 'app', password: 'correct-horse-battery-staple' } });
    await call('POST', 'sys/auth/userpass', { type: 'userpass' });
    await call('POST', 'auth/userpass/users/bench', { password: 'bench-password', token_policies: 'default' });
    const readBody = JSON.stringify(await call('GET', 'secret/data/bench'));

    const ceilingServer = await startCeiling(readBody);
    let ceiling: LoadResult;
    try {
      ceiling = await runLoad({ name: 'bare node:http (same JSON)', url: ceilingServer.url });
    } finally {
      ceilingServer.server.close();
    }
    const rows = [
      await runLoad({ name: 'kv v2 read', url: `${server.address}/v1/secret/data/bench`, headers: h }),
      await runLoad({ name: 'kv v2 write', url: `${server.address}/v1/secret/data/bench`, method: 'POST', headers: h, body: JSON.stringify({ data: { password: 'rotated' } }) }),
      await runLoad({ name: 'token create', url: `${server.address}/v1/auth/token/create`, method: 'POST', headers: h, body: JSON.stringify({ policies: ['default'], ttl: '10m' }) }),
      await runLoad({ name: 'userpass login', url: `${server.address}/v1/auth/userpass/login/bench`, method: 'POST', body: JSON.stringify({ password: 'bench-password' }) }),
    ];
    printTable('Core API (coffer server -dev, autocannon 32 connections)', [ceiling, ...rows], ceiling);
    return { rows, ceiling };
  } finally {
    await server.stop();
  }
}
