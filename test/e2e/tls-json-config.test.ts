// A non-dev server from a JSON config file with a TLS listener, driven by the CLI over HTTPS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../support/certificates.js';
import { COFFER_BIN, freePort, runCli } from '../support/coffer-process.js';
import { spawn } from 'node:child_process';

test('JSON config, TLS listener, CLI with VAULT_CACERT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-tls-'));
  const port = await freePort();
  const { cert, key } = await selfSignedCertificate();
  writeFileSync(join(dir, 'cert.pem'), cert);
  writeFileSync(join(dir, 'key.pem'), key, { mode: 0o600 });
  const configPath = join(dir, 'coffer.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      storage: { sqlite: { path: join(dir, 'data') } },
      listener: [{ tcp: { address: `127.0.0.1:${port}`, tls_cert_file: join(dir, 'cert.pem'), tls_key_file: join(dir, 'key.pem') } }],
      default_lease_ttl: '1h',
      max_lease_ttl: '2h',
      ui: false,
      log_level: 'warn',
    }),
  );
  const server = spawn(process.execPath, [COFFER_BIN, 'server', `-config=${configPath}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  server.stdout.on('data', (d: Buffer) => (output += d.toString()));
  server.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const env = { HOME: dir, VAULT_ADDR: `https://127.0.0.1:${port}`, VAULT_CACERT: join(dir, 'cert.pem'), VAULT_TOKEN: '' };
  try {
    // Wait for the listener: `status` answers 2 (sealed) once it is up.
    let status = await runCli(['status'], env);
    for (let i = 0; i < 100 && status.code !== 2; i++) {
      if (server.exitCode !== null) throw new Error(`server exited:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
      status = await runCli(['status'], env);
    }
    assert.equal(status.code, 2, status.stderr + output);
    assert.match(status.stdout, /Sealed\s+true/);

    // Without the CA the client refuses the self-signed certificate (Vault's status exits 1 when it cannot check).
    const untrusted = await runCli(['status'], { ...env, VAULT_CACERT: '' });
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /certificate/i);

    const init = await runCli(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'], env);
    assert.equal(init.code, 0, init.stderr);
    const { unseal_keys_hex: keys, root_token: root } = JSON.parse(init.stdout) as { unseal_keys_hex: string[]; root_token: string };
    assert.equal((await runCli(['operator', 'unseal', keys[0]!], env)).code, 0);
    const authed = { ...env, VAULT_TOKEN: root };
    // default_lease_ttl / max_lease_ttl from the config reach the mounts.
    assert.equal((await runCli(['secrets', 'enable', '-path=kv', 'kv'], authed)).code, 0);
    const tune = await runCli(['read', '-format=json', 'sys/mounts/kv/tune'], authed);
    assert.equal(JSON.parse(tune.stdout).data.default_lease_ttl, 3600);
    assert.equal(JSON.parse(tune.stdout).data.max_lease_ttl, 7200);
    assert.equal((await runCli(['kv', 'put', 'kv/app', 'k=v'], authed)).code, 0);
    assert.equal((await runCli(['kv', 'get', '-field=k', 'kv/app'], authed)).stdout.trim(), 'v');
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(undefined) : server.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
});
