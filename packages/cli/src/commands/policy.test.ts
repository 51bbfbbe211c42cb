import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

const rules = 'path "secret/*" {\n  capabilities = ["read"]\n}\n';

describe('policy commands', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('policy write uploads a file to sys/policies/acl/NAME', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.hcl'), rules);
    vault.on('PUT', 'sys/policies/acl/my-policy', { status: 204 });
    const r = await runCli(['policy', 'write', 'My-Policy', 'p.hcl'], { env: vault.env(), cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Success! Uploaded policy: my-policy\n');
    assert.equal(vault.last().method, 'PUT');
    assert.deepEqual(vault.last().body, { policy: rules });
  });

  it('policy write reads stdin for "-"', async () => {
    vault.on('PUT', 'sys/policies/acl/stdin', { status: 204 });
    const r = await runCli(['policy', 'write', 'stdin', '-'], { env: vault.env(), stdin: rules });
    assert.equal(r.code, 0);
    assert.deepEqual(vault.last().body, { policy: rules });
  });

  it('policy write of a missing file fails locally', async () => {
    const r = await runCli(['policy', 'write', 'x', '/nonexistent/p.hcl'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^Error opening policy file: /);
  });

  it('policy read prints the rules, policy list one name per line', async () => {
    vault.on('GET', 'sys/policies/acl/my-policy', { body: { data: { name: 'my-policy', policy: rules } } });
    let r = await runCli(['policy', 'read', 'my-policy'], { env: vault.env() });
    assert.equal(r.stdout, rules);
    r = await runCli(['policy', 'read', 'ghost'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'No policy named: ghost\n');
    vault.on('GET', 'sys/policies/acl', { body: { data: { keys: ['default', 'root'] } } });
    r = await runCli(['policy', 'list'], { env: vault.env() });
    assert.equal(r.stdout, 'default\nroot\n');
    assert.deepEqual(vault.last().query, { list: 'true' });
  });

  it('policy delete', async () => {
    vault.on('DELETE', 'sys/policies/acl/old', { status: 204 });
    const r = await runCli(['policy', 'delete', 'old'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Deleted policy: old\n');
  });

  it('policy fmt rewrites the file in canonical form', async () => {
    const dir = tempDir();
    const file = join(dir, 'messy.hcl');
    writeFileSync(file, 'path "a/*"{\ncapabilities=["read","list"]\n    max_wrapping_ttl="1h"\n}\n\n\n');
    const r = await runCli(['policy', 'fmt', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Success! Formatted policy: ${file}\n`);
    assert.equal(readFileSync(file, 'utf8'), 'path "a/*" {\n  capabilities     = ["read", "list"]\n  max_wrapping_ttl = "1h"\n}\n');
  });

  it('policy fmt refuses unbalanced input', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.hcl');
    writeFileSync(file, 'path "a" {\n');
    const r = await runCli(['policy', 'fmt', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Failed to parse policy: /);
  });
});
