import { startCeiling } from './ceiling.js';
import { prepareJwtLogin } from './jwt-login-setup.js';
import { printTable, runLoad, type LoadResult } from './load.js';
import { pinLoadGenerator } from './pinning.js';
import { startDevServer } from './server-process.js';

/**
 * KV v2 read/write, token create, token lookup-self, approle and JWT login
 * against a dev server, each with the server's CPU per request, beside a
 * bare-Node ceiling measured the same way in the same run.
 */
export async function coreBench(): Promise<{ rows: LoadResult[]; ceiling: LoadResult }> {
  const pin = pinLoadGenerator();
  const server = await startDevServer([], {}, pin);
  try {
    const h = { 'X-Vault-Token': server.token };
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.address}/v1/${path}`, { method, headers: { ...h, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    };
    await call('POST', 'secret/data/bench', { data: { username: 'app', password: 'correct-horse-battery-staple' } });
    await call('POST', 'sys/auth/approle', { type: 'approle' });
    await call('POST', 'auth/approle/role/bench', { token_policies: 'default', token_ttl: '10m' });
    const roleId = ((await call('GET', 'auth/approle/role/bench/role-id')) as { data: { role_id: string } }).data.role_id;
    const secretId = ((await call('POST', 'auth/approle/role/bench/secret-id')) as { data: { secret_id: string } }).data.secret_id;
    const child = ((await call('POST', 'auth/token/create', { policies: ['default'], ttl: '1h' })) as { auth: { client_token: string } }).auth.client_token;
    const readBody = JSON.stringify(await call('GET', 'secret/data/bench'));
    const jwtLoginBody = await prepareJwtLogin(call);

    const ceilingServer = await startCeiling(readBody, pin);
    let ceiling: LoadResult;
    try {
      ceiling = await runLoad({ name: 'bare node:http (same JSON)', url: ceilingServer.url, serverPid: ceilingServer.child.pid });
    } finally {
      await ceilingServer.stop();
    }
    const pid = server.child.pid;
    const rows = [
      await runLoad({ name: 'kv v2 read', url: `${server.address}/v1/secret/data/bench`, headers: h, serverPid: pid }),
      await runLoad({ name: 'kv v2 write', url: `${server.address}/v1/secret/data/bench`, method: 'POST', headers: h, body: JSON.stringify({ data: { password: 'rotated' } }), serverPid: pid }),
      await runLoad({ name: 'token create', url: `${server.address}/v1/auth/token/create`, method: 'POST', headers: h, body: JSON.stringify({ policies: ['default'], ttl: '10m' }), serverPid: pid }),
      await runLoad({ name: 'token lookup-self', url: `${server.address}/v1/auth/token/lookup-self`, headers: { 'X-Vault-Token': child }, serverPid: pid }),
      await runLoad({ name: 'approle login', url: `${server.address}/v1/auth/approle/login`, method: 'POST', body: JSON.stringify({ role_id: roleId, secret_id: secretId }), serverPid: pid }),
      await runLoad({ name: 'jwt login (ES256)', url: `${server.address}/v1/auth/jwt/login`, method: 'POST', body: jwtLoginBody, serverPid: pid }),
    ];
    printTable(`Core API (coffer server -dev, autocannon 32 connections${pin.length ? ', load generator and server on different cores' : ''})`, [ceiling, ...rows], ceiling);
    return { rows, ceiling };
  } finally {
    await server.stop();
  }
}
