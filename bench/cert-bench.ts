// TLS client-certificate logins (auth/cert/login) under load against a server
// process with a TLS listener, beside a KV read and sys/health over the same
// kind of connection. autocannon keeps its connections open, so each row
// measures the requests, not TLS handshakes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, createCrl, issue } from '../test/support/client-certificates.js';
import { startTlsServerProcess } from '../test/support/tls-server-process.js';
import { printTable, runLoad, type LoadResult } from './load.js';

export async function certBench(): Promise<LoadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-cert-bench-'));
  const server = await startTlsServerProcess(dir);
  const { address, rootToken: token } = server;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await server.call(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  try {
    const root = await createCa('CN=Bench Clients');
    const client = await issue({ subject: 'CN=bench-client', dnsNames: ['bench.example.com'] }, root);
    const revoked = await Promise.all(Array.from({ length: 1000 }, (_, i) => issue({ subject: `CN=gone-${i}` }, root)));
    await call('POST', 'sys/auth/cert', { type: 'cert' });
    await call('POST', 'auth/cert/certs/clients', { certificate: root.cert, token_policies: 'bench', token_ttl: '5m' });
    await call('POST', 'sys/mounts/secret', { type: 'kv', options: { version: '2' } });
    await call('POST', 'secret/data/bench', { data: { password: 'correct-horse-battery-staple' } });

    const pid = server.child.pid!;
    const tlsOptions = { cert: client.cert, key: client.key };
    const base = { serverPid: pid, tlsOptions };
    const login = { ...base, url: `${address}/v1/auth/cert/login`, method: 'POST' as const, body: '{}' };
    const rows = [
      await runLoad({ ...base, name: 'sys/health (TLS, client certificate presented)', url: `${address}/v1/sys/health` }),
      await runLoad({ ...base, name: 'kv v2 read (TLS)', url: `${address}/v1/secret/data/bench`, headers: { 'X-Vault-Token': token } }),
      await runLoad({ ...login, name: 'cert login (P-256 client, one trusted CA)' }),
    ];
    await call('POST', 'auth/cert/crls/bench', { crl: await createCrl(root, revoked) });
    rows.push(await runLoad({ ...login, name: 'cert login, 1000-serial CRL stored' }));
    printTable('cert auth logins (coffer server, TLS listener, autocannon 32 keep-alive connections presenting a client certificate)', rows);
    return rows;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
