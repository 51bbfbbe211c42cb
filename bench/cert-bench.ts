// TLS client-certificate logins (auth/cert/login) under load against a server
// process with a TLS listener, beside a KV read and sys/health over the same
// kind of connection. autocannon keeps its connections open, so each row
// measures the requests, not TLS handshakes.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../test/support/certificates.js';
import { createCa, createCrl, issue } from '../test/support/client-certificates.js';
import { COFFER_BIN, freePort } from '../test/support/coffer-process.js';
import { httpsCall } from '../test/support/https-call.js';
import { printTable, runLoad, type LoadResult } from './load.js';

export async function certBench(): Promise<LoadResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-cert-bench-'));
  const port = await freePort();
  const server = await selfSignedCertificate();
  writeFileSync(join(dir, 'server.pem'), server.cert);
  writeFileSync(join(dir, 'server-key.pem'), server.key, { mode: 0o600 });
  writeFileSync(
    join(dir, 'coffer.hcl'),
    `storage "inmem" {}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_cert_file = "${join(dir, 'server.pem')}"\n` +
      `  tls_key_file = "${join(dir, 'server-key.pem')}"\n}\nui = false\nlog_level = "error"\n`,
  );
  const child = spawn(process.execPath, [COFFER_BIN, 'server', `-config=${join(dir, 'coffer.hcl')}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const address = `https://127.0.0.1:${port}`;
  const call = async (method: string, path: string, body?: unknown, token?: string): Promise<any> => {
    const res = await httpsCall(address, method, path, { ca: server.cert, ...(body !== undefined ? { body } : {}), ...(token ? { token } : {}) });
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  try {
    for (let i = 0; ; i++) {
      try {
        await call('GET', 'sys/seal-status');
        break;
      } catch (err) {
        if (child.exitCode !== null || i > 300) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const init = await call('PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 });
    await call('PUT', 'sys/unseal', { key: init.keys[0] });
    const token = init.root_token as string;
    const root = await createCa('CN=Bench Clients');
    const client = await issue({ subject: 'CN=bench-client', dnsNames: ['bench.example.com'] }, root);
    const revoked = await Promise.all(Array.from({ length: 1000 }, (_, i) => issue({ subject: `CN=gone-${i}` }, root)));
    await call('POST', 'sys/auth/cert', { type: 'cert' }, token);
    await call('POST', 'auth/cert/certs/clients', { certificate: root.cert, token_policies: 'bench', token_ttl: '5m' }, token);
    await call('POST', 'sys/mounts/secret', { type: 'kv', options: { version: '2' } }, token);
    await call('POST', 'secret/data/bench', { data: { password: 'correct-horse-battery-staple' } }, token);

    const pid = child.pid!;
    const tlsOptions = { cert: client.cert, key: client.key };
    const base = { serverPid: pid, tlsOptions };
    const login = { ...base, url: `${address}/v1/auth/cert/login`, method: 'POST' as const, body: '{}' };
    const rows = [
      await runLoad({ ...base, name: 'sys/health (TLS, client certificate presented)', url: `${address}/v1/sys/health` }),
      await runLoad({ ...base, name: 'kv v2 read (TLS)', url: `${address}/v1/secret/data/bench`, headers: { 'X-Vault-Token': token } }),
      await runLoad({ ...login, name: 'cert login (P-256 client, one trusted CA)' }),
    ];
    await call('POST', 'auth/cert/crls/bench', { crl: await createCrl(root, revoked) }, token);
    rows.push(await runLoad({ ...login, name: 'cert login, 1000-serial CRL stored' }));
    printTable('cert auth logins (coffer server, TLS listener, autocannon 32 keep-alive connections presenting a client certificate)', rows);
    return rows;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}
