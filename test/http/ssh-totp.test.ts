// The SSH and TOTP engines through the whole server: Vault's error bodies,
// the unauthenticated paths, leases on one-time passwords, the catalog
// entries, and no key material in physical storage outside the barrier or
// in the audit log outside HMACs.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { collectKeys } from '@coffer/sdk';
import { InmemBackend } from '@coffer/server/physical/index.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

let s: InProcessServer;
const physical = new InmemBackend();
const pluginDirectory = mkdtempSync(join(tmpdir(), 'coffer-ssh-totp-plugins-'));
const auditFile = join(pluginDirectory, 'audit.log');
/** Secrets that went through requests and responses; none may appear in the audit log. */
const secretsSeen: string[] = [];

before(async () => {
  // With the plugin catalog, as `coffer server` runs (an empty plugin directory: built-ins only).
  s = await startInProcessServer({ physical, plugins: { directory: pluginDirectory } });
  const audit = await s.request('PUT', 'sys/audit/file', { type: 'file', options: { file_path: auditFile } });
  assert.equal(audit.status, 204, JSON.stringify(audit.body));
  for (const type of ['ssh', 'totp']) {
    const r = await s.request('POST', `sys/mounts/${type}`, { type });
    assert.equal(r.status, 204, JSON.stringify(r.body));
  }
});

after(async () => {
  await s.close();
  rmSync(pluginDirectory, { recursive: true, force: true });
});

/** Every value in physical storage, as bytes on disk would be. */
async function physicalBytes(): Promise<string> {
  const parts: string[] = [];
  for (const key of await collectKeys(physical)) parts.push((await physical.get(key))!.value.toString('latin1'));
  return parts.join('\n');
}

function ed25519PublicLine(): string {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), x]);
  return `ssh-ed25519 ${blob.toString('base64')} someone@host`;
}

describe('ssh over HTTP', () => {
  it('the CA public key is readable without a token, as plain text', async () => {
    const conf = await s.request('POST', 'ssh/config/ca', { key_type: 'ed25519' });
    assert.equal(conf.status, 200);
    const res = await fetch(`${s.address}/v1/ssh/public_key`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await res.text(), conf.body.data.public_key);
  });

  it('signing answers Vault\'s envelope, and a refused request a 400 {"errors": [...]}', async () => {
    const role = await s.request('POST', 'ssh/roles/dev', { key_type: 'ca', allow_user_certificates: true, allowed_users: 'alice', default_user: 'alice' });
    assert.equal(role.status, 204);
    const signed = await s.request('POST', 'ssh/sign/dev', { public_key: ed25519PublicLine() });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.match(signed.body.data.signed_key, /^ssh-ed25519-cert-v01@openssh\.com /);
    assert.match(signed.body.data.serial_number, /^[0-9a-f]+$/);
    assert.equal(signed.body.lease_id, '');

    const refused = await s.request('POST', 'ssh/sign/dev', { public_key: ed25519PublicLine(), valid_principals: 'root' });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body, { errors: ['root is not a valid value for valid_principals'] });
    const badKey = await s.request('POST', 'ssh/sign/dev', { public_key: 'ssh-ed25519 bm9wZQ==' });
    assert.equal(badKey.status, 400);
    assert.match(badKey.body.errors[0], /^failed to parse public_key as SSH key: /);
    // A token is still needed to sign.
    assert.equal((await s.request('POST', 'ssh/sign/dev', { public_key: ed25519PublicLine() }, { token: null })).status, 403);
  });

  it('one-time passwords come with a lease and verify once without a token', async () => {
    await s.request('POST', 'ssh/roles/otp', { key_type: 'otp', default_user: 'ubuntu', cidr_list: '127.0.0.0/8' });
    const creds = await s.request('POST', 'ssh/creds/otp', { ip: '127.0.0.1' });
    assert.equal(creds.status, 200, JSON.stringify(creds.body));
    assert.match(creds.body.lease_id, /^ssh\/creds\/otp\//);
    assert.equal(creds.body.renewable, false);
    const otp = creds.body.data.key;
    secretsSeen.push(otp);
    const verified = await s.request('POST', 'ssh/verify', { otp }, { token: null });
    assert.equal(verified.status, 200);
    assert.deepEqual(verified.body.data, { username: 'ubuntu', ip: '127.0.0.1', role_name: 'otp' });
    const again = await s.request('POST', 'ssh/verify', { otp }, { token: null });
    assert.deepEqual({ status: again.status, body: again.body }, { status: 400, body: { errors: ['OTP not found'] } });
    // Revoking a lease of an unused password withdraws it.
    const second = await s.request('POST', 'ssh/creds/otp', { ip: '127.0.0.1' });
    assert.equal((await s.request('PUT', 'sys/leases/revoke', { lease_id: second.body.lease_id })).status, 204);
    assert.equal((await s.request('POST', 'ssh/verify', { otp: second.body.data.key }, { token: null })).status, 400);
  });
});

describe('totp over HTTP', () => {
  it('generates, validates once, and refuses bad input with Vault\'s body', async () => {
    const created = await s.request('POST', 'totp/keys/alice', { generate: true, issuer: 'Coffer', account_name: 'alice' });
    assert.equal(created.status, 200);
    secretsSeen.push(new URL(created.body.data.url).searchParams.get('secret')!, created.body.data.barcode.slice(0, 64));
    const code = await s.request('GET', 'totp/code/alice');
    assert.match(code.body.data.code, /^\d{6}$/);
    const valid = await s.request('POST', 'totp/code/alice', { code: code.body.data.code });
    assert.deepEqual(valid.body.data, { valid: true });
    const replay = await s.request('POST', 'totp/code/alice', { code: code.body.data.code });
    assert.deepEqual({ status: replay.status, body: replay.body }, { status: 400, body: { errors: ['code already used; wait until the next time period'] } });
    const bad = await s.request('POST', 'totp/keys/bad', { key: 'JBSWY3DPEHPK3PXP', digits: 7 });
    assert.deepEqual({ status: bad.status, body: bad.body }, { status: 400, body: { errors: ['the digits value can only be 6 or 8'] } });
    assert.equal((await s.request('GET', 'totp/keys/bad')).status, 404);
  });
});

describe('storage, audit and catalog', () => {
  it('private keys, TOTP secrets and one-time passwords appear in the audit log only as HMACs', async () => {
    const issued = await s.request('POST', 'ssh/issue/dev', { key_type: 'ed25519' });
    assert.equal(issued.status, 200, JSON.stringify(issued.body));
    secretsSeen.push(issued.body.data.private_key.split('\n')[1]);
    const ca = generateKeyPairSync('ed25519');
    assert.equal((await s.request('POST', 'sys/mounts/other-ssh', { type: 'ssh' })).status, 204);
    const pem = ca.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const jwk = ca.publicKey.export({ format: 'jwk' });
    const blob = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), Buffer.from(jwk.x!, 'base64url')]);
    const put = await s.request('POST', 'other-ssh/config/ca', { private_key: pem, public_key: `ssh-ed25519 ${blob.toString('base64')}` });
    assert.equal(put.status, 204, JSON.stringify(put.body));
    secretsSeen.push(pem.split('\n')[1]!);
    const log = readFileSync(auditFile, 'utf8');
    assert.ok(log.includes('other-ssh/config/ca'), 'the import was audited');
    assert.ok(!log.includes('PRIVATE KEY'));
    for (const secret of secretsSeen) assert.ok(!log.includes(secret), 'a secret is in the audit log in the clear');
  });


  it('no private key, TOTP secret or one-time password reaches physical storage in the clear', async () => {
    const key = await s.request('POST', 'totp/keys/provided', { key: 'JBSWY3DPEHPK3PXPJBSWY3DP' });
    assert.equal(key.status, 204);
    secretsSeen.push('JBSWY3DPEHPK3PXPJBSWY3DP');
    const creds = await s.request('POST', 'ssh/creds/otp', { ip: '127.0.0.2' });
    const bytes = await physicalBytes();
    assert.ok(!bytes.includes('PRIVATE KEY'));
    assert.ok(!bytes.includes('JBSWY3DPEHPK3PXPJBSWY3DP'));
    assert.ok(!bytes.includes(creds.body.data.key));
  });

  it('the catalog lists both engines as built-ins', async () => {
    for (const name of ['ssh', 'totp']) {
      const entry = await s.request('GET', `sys/plugins/catalog/secret/${name}`);
      assert.equal(entry.status, 200, JSON.stringify(entry.body));
      assert.equal(entry.body.data.builtin, true);
      assert.equal(entry.body.data.version, 'v0.1.0+builtin');
    }
  });
});
