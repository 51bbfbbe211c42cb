import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

describe('read / write / list / delete / patch', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('write sends key=value data and prints the success line on an empty answer', async () => {
    vault.on('PUT', 'secret/foo', { status: 204 });
    const r = await runCli(['write', 'secret/foo', 'a=1', 'a=2', 'b=x'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Success! Data written to: secret/foo\n');
    assert.deepEqual(vault.last().body, { a: ['1', '2'], b: 'x' });
  });

  it('write takes a JSON object from stdin with "-" and needs data or -force', async () => {
    vault.on('PUT', 'auth/approle/role/r/secret-id', { body: { data: { secret_id: 'sid' } } });
    let r = await runCli(['write', 'auth/approle/role/r/secret-id', '-'], { env: vault.env(), stdin: '{"metadata":"x","n":2}' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().body, { metadata: 'x', n: 2 });
    assert.match(r.stdout, /^secret_id\s+sid$/m);
    r = await runCli(['write', 'auth/approle/role/r/secret-id'], { env: vault.env() });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Must supply data or use -force\n');
    r = await runCli(['write', '-f', 'auth/approle/role/r/secret-id', '-field=secret_id'], { env: vault.env() });
    assert.equal(r.stdout, 'sid');
  });

  it('write prints Vault-style API errors and exits 2', async () => {
    vault.on('PUT', 'secret/locked', { status: 403, body: { errors: ['permission denied'] } });
    const r = await runCli(['write', 'secret/locked', 'a=b'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `Error writing data to secret/locked: Error making API request.\n\nURL: PUT ${vault.address}/v1/secret/locked\nCode: 403. Errors:\n\n* permission denied\n`,
    );
  });

  it('read prints the secret, sends extra arguments as query parameters, and exits 2 when nothing is there', async () => {
    vault.on('GET', 'pki/cert/ca', { body: { lease_duration: 0, data: { certificate: 'PEM' } } });
    let r = await runCli(['read', 'pki/cert/ca', 'format=pem'], { env: vault.env() });
    assert.equal(r.stdout, 'Key            Value\n---            -----\ncertificate    PEM\n');
    assert.deepEqual(vault.last().query, { format: 'pem' });
    r = await runCli(['read', 'nothing/here'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'No value found at nothing/here\n');
  });

  it('read -format=raw prints the body as is', async () => {
    vault.on('GET', 'sys/health', { body: { initialized: true } });
    const r = await runCli(['read', '-format=raw', 'sys/health'], { env: vault.env() });
    assert.equal(r.stdout, '{"initialized":true}\n');
  });

  it('list prints keys; lists nothing exit 2', async () => {
    vault.on('GET', 'secret/', { body: { data: { keys: ['b', 'a'] } } });
    let r = await runCli(['list', 'secret'], { env: vault.env() });
    assert.equal(r.stdout, 'Keys\n----\na\nb\n');
    assert.equal(vault.last().path, '/v1/secret/');
    r = await runCli(['list', 'empty/'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'No value found at empty/\n');
    r = await runCli(['list', '-format=json', 'empty/'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '{}\n');
  });

  it('delete and patch', async () => {
    vault.on('DELETE', 'secret/foo', { status: 204 });
    let r = await runCli(['delete', 'secret/foo'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Data deleted (if it existed) at: secret/foo\n');
    vault.on('PATCH', 'pki/roles/r', { status: 204 });
    r = await runCli(['patch', 'pki/roles/r', 'ttl=1h'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Data written to: pki/roles/r\n');
    assert.equal(vault.last().headers['content-type'], 'application/merge-patch+json');
  });

  it('unwrap and path-help', async () => {
    vault.on('PUT', 'sys/wrapping/unwrap', { body: { data: { password: 'x' } } });
    let r = await runCli(['unwrap', 'wrap-tok'], { env: vault.env() });
    assert.match(r.stdout, /^password\s+x$/m);
    assert.deepEqual(vault.last().body, { token: 'wrap-tok' });
    vault.on('GET', 'secret', { body: { help: '## DESCRIPTION\n\nKV' } });
    r = await runCli(['path-help', 'secret/'], { env: vault.env() });
    assert.equal(r.stdout, '## DESCRIPTION\n\nKV\n');
    assert.deepEqual(vault.last().query, { help: '1' });
  });

  it('-wrap-ttl asks for a wrapped response and prints the wrapping token', async () => {
    vault.on('GET', 'secret/wrapme', {
      body: { wrap_info: { token: 'hvs.wrap', accessor: 'wacc', ttl: 300, creation_time: '2024-05-01T10:00:00.5Z', creation_path: 'secret/wrapme' } },
    });
    const r = await runCli(['read', '-wrap-ttl=5m', 'secret/wrapme'], { env: vault.env() });
    assert.equal(vault.last().headers['x-vault-wrap-ttl'], '5m');
    assert.match(r.stdout, /^wrapping_token:\s+hvs\.wrap$/m);
    assert.match(r.stdout, /^wrapping_token_ttl:\s+5m$/m);
    assert.match(r.stdout, /^wrapping_token_creation_time:\s+2024-05-01 10:00:00\.5 \+0000 UTC$/m);
  });

  it('-output-curl-string prints the request instead of sending it', async () => {
    const before = vault.requests.length;
    const r = await runCli(['write', '-output-curl-string', 'secret/foo', 'a=b'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      `curl -X PUT -H "X-Vault-Request: true" -H "X-Vault-Token: $(coffer print token)" -H "Content-Type: application/json" -d '{"a":"b"}' ${vault.address}/v1/secret/foo\n`,
    );
    assert.equal(vault.requests.length, before);
  });

  it('uses the token stored in ~/.vault-token when VAULT_TOKEN is unset', async () => {
    vault.on('GET', 'secret/x', { body: { data: { a: 'b' } } });
    const { tempDir } = await import('../testing/fake-io.js');
    const home = tempDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${home}/.vault-token`, 'from-file\n');
    await runCli(['read', 'secret/x'], { env: { VAULT_ADDR: vault.address }, home });
    assert.equal(vault.last().headers['x-vault-token'], 'from-file');
  });
});
