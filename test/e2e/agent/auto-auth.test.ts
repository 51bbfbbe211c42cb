// coffer agent auto-auth against real server processes: approle login to a
// file sink, re-authentication after revocation and after a server restart,
// and the start-up errors users meet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/coffer-process.js';
import { exitCode, fileChanged, startAgent, startDevServer, vaultApi, waitFor } from '../../support/agent-process.js';

const ROOT = 'root';

/** approle at auth/approle with a role whose tokens live 3s; the same role and secret IDs every time. */
async function setUpApprole(address: string): Promise<{ roleId: string; secretId: string }> {
  assert.equal((await vaultApi(address, 'POST', 'sys/auth/approle', ROOT, { type: 'approle' })).status, 204);
  assert.equal((await vaultApi(address, 'POST', 'auth/approle/role/app', ROOT, { token_ttl: '3s', token_max_ttl: '1h', token_policies: 'default' })).status, 204);
  assert.equal((await vaultApi(address, 'POST', 'auth/approle/role/app/role-id', ROOT, { role_id: 'app-role-id' })).status, 204);
  const custom = await vaultApi(address, 'POST', 'auth/approle/role/app/custom-secret-id', ROOT, { secret_id: 'app-secret-id' });
  assert.equal(custom.status, 200);
  return { roleId: 'app-role-id', secretId: 'app-secret-id' };
}

function approleConfig(dir: string, address: string, extra = '', sinkExtra = ''): string {
  writeFileSync(join(dir, 'role-id'), 'app-role-id\n');
  writeFileSync(join(dir, 'secret-id'), 'app-secret-id\n');
  const path = join(dir, 'agent.hcl');
  writeFileSync(
    path,
    `vault { address = "${address}" }
auto_auth {
  method "approle" {
    min_backoff = "200ms"
    max_backoff = "1s"
    config = {
      role_id_file_path = "${join(dir, 'role-id')}"
      secret_id_file_path = "${join(dir, 'secret-id')}"
      remove_secret_id_file_after_reading = true
    }
  }
  sink "file" {
    ${sinkExtra}
    config = {
      path = "${join(dir, 'token')}"
      mode = 0600
    }
  }
}
${extra}
`,
  );
  return path;
}

async function tokenWorks(address: string, token: string): Promise<boolean> {
  return (await vaultApi(address, 'GET', 'auth/token/lookup-self', token)).status === 200;
}

test('approle auto-auth: token in a 0600 sink, new token after revocation and after a server restart', async () => {
  const port = await freePort();
  let server = await startDevServer(ROOT, port);
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-'));
  const agent = startAgent([`-config=${approleConfig(dir, server.address)}`, '-log-level=debug']);
  try {
    await setUpApprole(server.address);
    const sink = join(dir, 'token');
    const first = await waitFor('the first token', fileChanged(sink), 15_000, agent);
    assert.equal(statSync(sink).mode & 0o777, 0o600);
    assert.ok(await tokenWorks(server.address, first), 'the sink token works');
    assert.equal(existsSync(join(dir, 'secret-id')), false, 'remove_secret_id_file_after_reading removed the secret ID file');

    // Revoked on the server: the next renewal fails and the agent logs in again
    // (with the secret ID it kept in memory).
    assert.equal((await vaultApi(server.address, 'POST', 'auth/token/revoke', ROOT, { token: first })).status, 204);
    const second = await waitFor('a token after revocation', fileChanged(sink, first), 15_000, agent);
    assert.ok(await tokenWorks(server.address, second));

    // The server restarts with nothing (dev mode): renewals fail until it is
    // back, then the agent logs in to the new server.
    await server.stop();
    server = await startDevServer(ROOT, port);
    await setUpApprole(server.address);
    const third = await waitFor('a token after the server restart', fileChanged(sink, second), 20_000, agent);
    assert.ok(await tokenWorks(server.address, third), 'the new token works on the restarted server');
    assert.match(agent.output(), /authenticating again|error authenticating/);
  } finally {
    await agent.stop();
    await server.stop();
  }
});

test('-exit-after-auth writes the sink and exits 0; a DH-encrypted sink holds Vault\'s envelope; a response-wrapped secret ID is checked and unwrapped', async () => {
  const port = await freePort();
  const server = await startDevServer(ROOT, port);
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-'));
  try {
    await setUpApprole(server.address);
    const { generateKeyPairSync, diffieHellman, createDecipheriv, createPublicKey } = await import('node:crypto');
    const ours = generateKeyPairSync('x25519');
    const pub = Buffer.from(ours.publicKey.export({ format: 'jwk' }).x as string, 'base64url');
    writeFileSync(join(dir, 'dh.json'), JSON.stringify({ curve25519_public_key: pub.toString('base64') }));
    const config = approleConfig(dir, server.address, '', `dh_type = "curve25519"\n    dh_path = "${join(dir, 'dh.json')}"\n    aad = "agent-aad"`);
    const agent = startAgent([`-config=${config}`, '-exit-after-auth']);
    assert.equal(await exitCode(agent), 0, agent.output());
    const envelope = JSON.parse(fileChanged(join(dir, 'token'))()!) as Record<string, string>;
    const theirs = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(envelope.curve25519_public_key!, 'base64').toString('base64url') }, format: 'jwk' });
    const key = diffieHellman({ privateKey: ours.privateKey, publicKey: theirs });
    const payload = Buffer.from(envelope.encrypted_payload!, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.nonce!, 'base64'));
    decipher.setAAD(Buffer.from('agent-aad'));
    decipher.setAuthTag(payload.subarray(payload.length - 16));
    const token = Buffer.concat([decipher.update(payload.subarray(0, payload.length - 16)), decipher.final()]).toString('utf8');
    assert.ok(await tokenWorks(server.address, token));

    // A response-wrapped secret ID (secret_id_response_wrapping_path): unwrapped after checking where it was made.
    const wrapped = await fetch(`${server.address}/v1/auth/approle/role/app/secret-id`, { method: 'POST', headers: { 'X-Vault-Token': ROOT, 'X-Vault-Wrap-TTL': '60s' } });
    const wrappingToken = ((await wrapped.json()) as { wrap_info: { token: string } }).wrap_info.token;
    const wrappedConfig = approleConfig(dir, server.address);
    writeFileSync(join(dir, 'secret-id'), wrappingToken);
    const text = readFileSync(wrappedConfig, 'utf8').replace(
      'remove_secret_id_file_after_reading = true',
      'remove_secret_id_file_after_reading = true\n      secret_id_response_wrapping_path = "auth/approle/role/app/secret-id"',
    );
    writeFileSync(wrappedConfig, text);
    const fromWrapped = startAgent([`-config=${wrappedConfig}`, '-exit-after-auth']);
    assert.equal(await exitCode(fromWrapped), 0, fromWrapped.output());
    assert.ok(await tokenWorks(server.address, fileChanged(join(dir, 'token'))()!));

    // The same with a wrapping token made elsewhere is refused, saying why.
    const other = await fetch(`${server.address}/v1/sys/wrapping/wrap`, { method: 'POST', headers: { 'X-Vault-Token': ROOT, 'X-Vault-Wrap-TTL': '60s' }, body: JSON.stringify({ secret_id: 'x' }) });
    writeFileSync(join(dir, 'secret-id'), ((await other.json()) as { wrap_info: { token: string } }).wrap_info.token);
    writeFileSync(wrappedConfig, text.replace('min_backoff = "200ms"', 'min_backoff = "200ms"\n    exit_on_err = true'));
    const refused = startAgent([`-config=${wrappedConfig}`]);
    assert.equal(await exitCode(refused), 1);
    assert.match(refused.output(), /created at "sys\/wrapping\/wrap", not at secret_id_response_wrapping_path "auth\/approle\/role\/app\/secret-id".*exit_on_err/);
  } finally {
    await server.stop();
  }
});

test('bad input: unreachable server retries with backoff saying why; an unwritable sink directory stops the start', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-'));
  const deadPort = await freePort();
  const agent = startAgent([`-config=${approleConfig(dir, `http://127.0.0.1:${deadPort}`)}`]);
  try {
    await waitFor('two failed attempts', () => ((agent.output().match(/error authenticating/g) ?? []).length >= 2 ? true : undefined), 10_000, agent);
    assert.match(agent.output(), /connection refused/);
    assert.match(agent.output(), /backoff=/);
    assert.equal(existsSync(join(dir, 'token')), false);
  } finally {
    await agent.stop();
  }

  writeFileSync(join(dir, 'not-a-dir'), '');
  const config = join(dir, 'bad-sink.hcl');
  writeFileSync(
    config,
    `auto_auth {
  method "token_file" { config = { token_file_path = "${join(dir, 'role-id')}" } }
  sink "file" { config = { path = "${join(dir, 'not-a-dir', 'token')}" } }
}
`,
  );
  const bad = startAgent([`-config=${config}`]);
  assert.equal(await exitCode(bad), 1);
  assert.match(bad.output(), new RegExp(`${join(dir, 'not-a-dir', 'token').replace(/[/.]/g, '\\$&')}.*not a directory`));
});

test('userpass auto-auth with a response-wrapped sink, and a response-wrapped login (method wrap_ttl)', async () => {
  const port = await freePort();
  const server = await startDevServer(ROOT, port);
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-'));
  try {
    assert.equal((await vaultApi(server.address, 'POST', 'sys/auth/userpass', ROOT, { type: 'userpass' })).status, 204);
    assert.equal((await vaultApi(server.address, 'POST', 'auth/userpass/users/app', ROOT, { password: 'pw-app', token_policies: 'default' })).status, 204);
    writeFileSync(join(dir, 'password'), 'pw-app\n');
    const write = (name: string, methodExtra: string, sinkExtra: string): string => {
      const path = join(dir, `${name}.hcl`);
      writeFileSync(
        path,
        `vault { address = "${server.address}" }
auto_auth {
  method "userpass" {
    ${methodExtra}
    config = {
      username = "app"
      password_file_path = "${join(dir, 'password')}"
    }
  }
  sink "file" {
    ${sinkExtra}
    config = { path = "${join(dir, name)}" }
  }
}
`,
      );
      return path;
    };
    const unwrapWorks = async (sinkFile: string): Promise<void> => {
      const wrapInfo = JSON.parse(fileChanged(sinkFile)()!) as { token: string; ttl: number };
      assert.ok(wrapInfo.ttl > 0 && wrapInfo.ttl <= 120);
      const unwrapped = await vaultApi(server.address, 'POST', 'sys/wrapping/unwrap', wrapInfo.token);
      assert.equal(unwrapped.status, 200, JSON.stringify(unwrapped.body));
      const token = (unwrapped.body.auth?.client_token ?? unwrapped.body.data?.token) as string;
      assert.ok(await tokenWorks(server.address, token));
    };

    const wrappedSink = startAgent([`-config=${write('sink-wrapped', '', 'wrap_ttl = "2m"')}`, '-exit-after-auth']);
    assert.equal(await exitCode(wrappedSink), 0, wrappedSink.output());
    assert.equal(statSync(join(dir, 'sink-wrapped')).mode & 0o777, 0o640);
    await unwrapWorks(join(dir, 'sink-wrapped'));

    const wrappedLogin = startAgent([`-config=${write('login-wrapped', 'wrap_ttl = "1m"', '')}`, '-exit-after-auth']);
    assert.equal(await exitCode(wrappedLogin), 0, wrappedLogin.output());
    await unwrapWorks(join(dir, 'login-wrapped'));
  } finally {
    await server.stop();
  }
});
