// `coffer login -method=cert` against a real server whose HCL listener stanza
// asks for client certificates (tls_client_ca_file): the CLI presents the
// certificate from -client-cert/-client-key or VAULT_CLIENT_CERT/VAULT_CLIENT_KEY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selfSignedCertificate } from '../support/certificates.js';
import { createCa, issue } from '../support/client-certificates.js';
import { COFFER_BIN, freePort, runCli } from '../support/coffer-process.js';

test('CLI login with a TLS client certificate, and renewal with it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-cert-cli-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const port = await freePort();
  const server = await selfSignedCertificate();
  const root = await createCa('CN=Clients Root');
  const alice = await issue({ subject: 'CN=alice' }, root);
  const stranger = await issue({ subject: 'CN=alice' }, await createCa('CN=Elsewhere'));
  const caPath = file('clients-ca.pem', root.cert);
  const aliceCert = file('alice.pem', alice.cert);
  const aliceKey = file('alice-key.pem', alice.key);
  const strangerCert = file('stranger.pem', stranger.cert);
  const strangerKey = file('stranger-key.pem', stranger.key);
  const configPath = file(
    'coffer.hcl',
    `storage "sqlite" {\n  path = "${join(dir, 'data')}"\n}\n\n` +
      `listener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_cert_file = "${file('server.pem', server.cert)}"\n` +
      `  tls_key_file = "${file('server-key.pem', server.key)}"\n  tls_client_ca_file = "${caPath}"\n  tls_require_and_verify_client_cert = false\n}\n\n` +
      `ui = false\nlog_level = "warn"\n`,
  );
  const child = spawn(process.execPath, [COFFER_BIN, 'server', `-config=${configPath}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const env = { HOME: dir, VAULT_ADDR: `https://127.0.0.1:${port}`, VAULT_CACERT: join(dir, 'server.pem'), VAULT_TOKEN: '' };
  try {
    let status = await runCli(['status'], env);
    for (let i = 0; i < 100 && status.code !== 2; i++) {
      if (child.exitCode !== null) throw new Error(`server exited:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
      status = await runCli(['status'], env);
    }
    assert.equal(status.code, 2, status.stderr + output);
    const init = await runCli(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'], env);
    assert.equal(init.code, 0, init.stderr);
    const { unseal_keys_hex: keys, root_token: rootToken } = JSON.parse(init.stdout) as { unseal_keys_hex: string[]; root_token: string };
    assert.equal((await runCli(['operator', 'unseal', keys[0]!], env)).code, 0);
    const admin = { ...env, VAULT_TOKEN: rootToken };
    assert.equal((await runCli(['auth', 'enable', 'cert'], admin)).code, 0);
    const trusted = await runCli(['write', 'auth/cert/certs/web', `certificate=@${caPath}`, 'token_policies=web', 'display_name=web'], admin);
    assert.equal(trusted.code, 0, trusted.stderr);

    // -client-cert / -client-key flags.
    const login = await runCli(['login', '-method=cert', `-client-cert=${aliceCert}`, `-client-key=${aliceKey}`, '-format=json'], env);
    assert.equal(login.code, 0, login.stderr);
    const auth = JSON.parse(login.stdout).auth as { client_token: string; metadata: Record<string, string>; policies: string[] };
    assert.equal(auth.metadata['cert_name'], 'web');
    assert.equal(auth.metadata['common_name'], 'alice');
    assert.deepEqual(auth.policies, ['default', 'web']);

    // VAULT_CLIENT_CERT / VAULT_CLIENT_KEY, with name= to pick the trusted certificate; the token is stored by the token helper.
    const withEnv = { ...env, VAULT_CLIENT_CERT: aliceCert, VAULT_CLIENT_KEY: aliceKey };
    const stored = await runCli(['login', '-method=cert', 'name=web'], withEnv);
    assert.equal(stored.code, 0, stored.stderr);
    assert.match(stored.stdout, /Success! You are now authenticated/);
    const lookup = await runCli(['token', 'lookup', '-format=json'], withEnv);
    assert.equal(lookup.code, 0, lookup.stderr);
    assert.equal(JSON.parse(lookup.stdout).data.display_name, 'cert-web');

    // Renewal presents the certificate again.
    const renewed = await runCli(['token', 'renew', '-format=json'], withEnv);
    assert.equal(renewed.code, 0, renewed.stderr);
    const refused = await runCli(['token', 'renew'], { ...env, VAULT_TOKEN: auth.client_token, VAULT_CLIENT_CERT: strangerCert, VAULT_CLIENT_KEY: strangerKey });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Code: 400/);

    // A certificate from another CA is refused with Vault's message.
    const other = await runCli(['login', '-method=cert', `-client-cert=${strangerCert}`, `-client-key=${strangerKey}`], env);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /Code: 400/);
    assert.match(other.stderr, /invalid certificate or no client certificate supplied/);

    // Only one of the pair is a configuration error, before any request.
    const half = await runCli(['login', '-method=cert', `-client-cert=${aliceCert}`], env);
    assert.notEqual(half.code, 0);
    assert.match(half.stderr, /client key/);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
});
