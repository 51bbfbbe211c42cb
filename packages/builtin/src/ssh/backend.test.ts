// The SSH engine through its paths, as the core drives it: CA configuration,
// roles, signing (checked with ssh-keygen -L) and one-time passwords.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { collectKeys, getJson, staticSystemView } from '@coffer/sdk';
import { assertEveryPathDocumented, assertRejectsWithCode, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { skipWithoutTools } from '../../../../test/support/external-tools.js';
import { createSshBackend } from './backend.js';
import { generateCaKey, privateKeyPem } from './private-key.js';
import { authorizedKeyLine, sshPublicKeyOf } from './public-key.js';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'coffer-ssh-backend-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function mount(): Promise<TestBackend> {
  return createTestBackend((conf) => createSshBackend(conf, { now: () => NOW }), { system: staticSystemView({ defaultLeaseTtl: 3600, maxLeaseTtl: 7200 }) });
}

function userPublicKey(): string {
  const k = sshPublicKeyOf(generateKeyPairSync('ed25519').privateKey);
  return `${authorizedKeyLine(k.algorithm, k.blob).trim()} alice@laptop`;
}

/** A refused request leaves storage exactly as it was. */
async function refusedWithoutWrites(b: TestBackend, attempt: Promise<unknown>, message: string | RegExp): Promise<void> {
  const before = await collectKeys(b.storage);
  await assertRejectsWithCode(attempt, 'invalid_request', message);
  assert.deepEqual(await collectKeys(b.storage), before);
}

describe('config/ca', () => {
  let b: TestBackend;
  beforeEach(async () => {
    b = await mount();
  });

  it('generates a key of the asked type, returns only the public half and refuses a second configuration', async () => {
    const resp = await b.write('config/ca', { key_type: 'ed25519' });
    const publicKey = resp?.data?.['public_key'] as string;
    assert.match(publicKey, /^ssh-ed25519 [A-Za-z0-9+/]+=*\n$/);
    assert.deepEqual((await b.read('config/ca'))?.data, { public_key: publicKey });
    const raw = await b.read('public_key');
    assert.deepEqual(raw?.data, { http_content_type: 'text/plain', http_raw_body: publicKey, http_status_code: 200 });
    await refusedWithoutWrites(b, b.write('config/ca', { key_type: 'ed25519' }), 'keys are already configured; delete them before reconfiguring');
    // The private key is stored (inside the barrier in a real server), in no response.
    const stored = await getJson<{ key: string }>(b.storage, 'config/ca_private_key');
    assert.match(stored!.key, /BEGIN PRIVATE KEY/);
    await b.delete('config/ca');
    await assertRejectsWithCode(b.read('config/ca'), 'invalid_request', "keys haven't been configured yet");
    assert.equal(await b.read('public_key'), null);
  });

  it('generates a 4096-bit RSA key by default, as Vault does', async () => {
    const resp = await b.write('config/ca', {});
    assert.match(resp?.data?.['public_key'] as string, /^ssh-rsa /);
    const key = sshPublicKeyOf(await generateCaKey('ed25519', 0)); // a different key, to compare nothing by accident
    assert.notEqual(resp?.data?.['public_key'], authorizedKeyLine(key.algorithm, key.blob));
  });

  it('imports a key pair and refuses a pair that does not match', async () => {
    const ca = await generateCaKey('ecdsa-sha2-nistp384', 0);
    const pub = sshPublicKeyOf(ca);
    const other = sshPublicKeyOf(await generateCaKey('ecdsa-sha2-nistp384', 0));
    await refusedWithoutWrites(
      b,
      b.write('config/ca', { private_key: privateKeyPem(ca), public_key: authorizedKeyLine(other.algorithm, other.blob) }),
      'public_key does not match private_key',
    );
    await refusedWithoutWrites(b, b.write('config/ca', { private_key: 'garbage', public_key: 'garbage' }), /^Unable to parse private_key as an SSH private key: /);
    await refusedWithoutWrites(b, b.write('config/ca', { private_key: privateKeyPem(ca) }), /only one of public_key and private_key set/);
    await refusedWithoutWrites(b, b.write('config/ca', { generate_signing_key: true, private_key: privateKeyPem(ca) }), /must not be set when generate_signing_key/);
    await refusedWithoutWrites(b, b.write('config/ca', { key_type: 'rsa', key_bits: 1024 }), 'refusing to generate weak rsa key: 1024 bits < 2048 bits');
    const resp = await b.write('config/ca', { private_key: privateKeyPem(ca), public_key: `${authorizedKeyLine(pub.algorithm, pub.blob).trim()} my-ca` });
    assert.equal(resp, null);
    assert.equal((await b.read('config/ca'))?.data?.['public_key'], authorizedKeyLine(pub.algorithm, pub.blob));
  });

  it('every path is documented', async () => {
    assertEveryPathDocumented(b.backend);
  });
});

describe('roles', () => {
  let b: TestBackend;
  beforeEach(async () => {
    b = await mount();
  });

  it('stores a CA role with defaults and reads it back in Vault\'s shape', async () => {
    await b.write('roles/dev', { key_type: 'ca', allow_user_certificates: true, allowed_users: 'alice,bob', default_extensions: { 'permit-pty': '' }, ttl: '30m', max_ttl: '1h' });
    const data = (await b.read('roles/dev'))?.data;
    assert.equal(data?.['key_type'], 'ca');
    assert.equal(data?.['ttl'], 1800);
    assert.equal(data?.['max_ttl'], 3600);
    assert.equal(data?.['algorithm_signer'], 'default');
    assert.equal(data?.['not_before_duration'], 30);
    assert.deepEqual(data?.['default_extensions'], { 'permit-pty': '' });
    await b.write('roles/otp', { key_type: 'otp', default_user: 'ubuntu', cidr_list: '10.0.0.0/8' });
    assert.deepEqual((await b.list('roles/'))?.data, { keys: ['dev', 'otp'], key_info: { dev: { key_type: 'ca' }, otp: { key_type: 'otp' } } });
  });

  it('refuses bad roles with Vault\'s messages and writes nothing', async () => {
    await refusedWithoutWrites(b, b.write('roles/r', {}), 'missing key type');
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'nope' }), 'invalid key type');
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'dynamic' }), 'dynamic key type roles are no longer supported');
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'ca' }), "Either 'allow_user_certificates' or 'allow_host_certificates' must be set to 'true'");
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'ca', allow_user_certificates: true, algorithm_signer: 'md5' }), 'unknown algorithm signer "md5"');
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'ca', allow_user_certificates: true, ttl: '2h', max_ttl: '1h' }), '"ttl" value must be less than "max_ttl" when both are specified');
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'ca', allow_user_certificates: true, allowed_user_key_lengths: { dsa: 1024 } }), /unknown key type "dsa"/);
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'otp' }), 'missing default user');
    await refusedWithoutWrites(b, b.write('roles/r', { key_type: 'otp', default_user: 'u', cidr_list: '10.0.0.0/33' }), /invalid CIDR block/);
  });
});

describe('sign', { skip: skipWithoutTools(['ssh-keygen'], 'openssh-client') }, () => {
  let b: TestBackend;
  beforeEach(async () => {
    b = await mount();
    await b.write('config/ca', { key_type: 'ed25519' });
    await b.write('roles/users', {
      key_type: 'ca',
      allow_user_certificates: true,
      allowed_users: 'alice,bob',
      default_user: 'alice',
      default_extensions: { 'permit-pty': '' },
      allowed_extensions: 'permit-pty,permit-port-forwarding',
      ttl: '10m',
      max_ttl: '1h',
    });
    await b.write('roles/hosts', { key_type: 'ca', allow_host_certificates: true, allowed_domains: 'example.com', allow_subdomains: true });
  });

  function keygenL(signedKey: string, name: string): string {
    const path = join(dir, `${name}-cert.pub`);
    writeFileSync(path, signedKey);
    return execFileSync('ssh-keygen', ['-L', '-f', path]).toString();
  }

  it('signs a user key with the role\'s defaults and returns signed_key and serial_number', async () => {
    const resp = await b.write('sign/users', { public_key: userPublicKey() });
    const signed = resp?.data?.['signed_key'] as string;
    const serial = resp?.data?.['serial_number'] as string;
    assert.match(signed, /^ssh-ed25519-cert-v01@openssh\.com [A-Za-z0-9+/]+=*\n$/);
    assert.match(serial, /^[0-9a-f]+$/);
    const out = keygenL(signed, 'default');
    assert.match(out, /user certificate/);
    assert.match(out, new RegExp(`Serial: ${BigInt(`0x${serial}`).toString()}\n`));
    assert.match(out, /Key ID: "vault-test-[0-9a-f]{64}"/);
    assert.match(out, /Principals: \n\s+alice\n\s+Critical/);
    assert.match(out, /Extensions: \n\s+permit-pty\n/);
    // valid from 30s before "now" to 10 minutes after
    assert.match(out, /Valid: from 2030-01-01T\d\d:59:30 to 2030-01-01T\d\d:10:00/);
  });

  it('honours requested principals, ttl, extensions and host certificates', async () => {
    const resp = await b.write('sign/users', { public_key: userPublicKey(), valid_principals: 'bob,alice', ttl: '1h', extensions: { 'permit-port-forwarding': '' } });
    const out = keygenL(resp?.data?.['signed_key'] as string, 'asked');
    assert.match(out, /Principals: \n\s+bob\n\s+alice\n/);
    assert.match(out, /Extensions: \n\s+permit-port-forwarding\n$/m);
    assert.match(out, /to 2030-01-01T\d\d:00:00/);
    const host = await b.write('sign/hosts', { public_key: userPublicKey(), cert_type: 'host', valid_principals: 'web.example.com' });
    assert.match(keygenL(host?.data?.['signed_key'] as string, 'host'), /host certificate[\s\S]*web\.example\.com/);
  });

  it('refuses what the role does not allow, with Vault\'s messages, and writes nothing', async () => {
    const key = userPublicKey();
    await refusedWithoutWrites(b, b.write('sign/nope', { public_key: key }), 'Unknown role: nope');
    await refusedWithoutWrites(b, b.write('sign/users', {}), 'missing public_key');
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: 'ssh-ed25519 AAAA' }), /^failed to parse public_key as SSH key: /);
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: key, valid_principals: 'root' }), 'root is not a valid value for valid_principals');
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: key, cert_type: 'host' }), "cert_type 'host' is not allowed by role");
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: key, cert_type: 'both' }), "cert_type must be either 'user' or 'host'");
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: key, ttl: '2h' }), 'ttl is larger than maximum allowed 3600');
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: key, extensions: { 'permit-X11-forwarding': '' } }), 'extensions [permit-X11-forwarding] are not on allowed list');
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: key, key_id: 'mine' }), 'setting key_id is not allowed by role');
    await refusedWithoutWrites(b, b.write('sign/hosts', { public_key: key, cert_type: 'host', valid_principals: 'example.com' }), 'example.com is not a valid value for valid_principals');
    await refusedWithoutWrites(b, b.write('sign/hosts', { public_key: key, cert_type: 'host' }), 'empty valid principals not allowed by role');
  });

  it('checks allowed_user_key_lengths and the RSA signature algorithm', async () => {
    await b.write('roles/strict', { key_type: 'ca', allow_user_certificates: true, allowed_users: '*', default_user: 'x', allowed_user_key_lengths: { rsa: [3072, 4096] } });
    await refusedWithoutWrites(b, b.write('sign/strict', { public_key: userPublicKey() }), 'public_key failed to meet the key requirements: key of type ed25519 is not allowed');
    const rsa2048 = sshPublicKeyOf(await generateCaKey('rsa', 2048));
    await refusedWithoutWrites(b, b.write('sign/strict', { public_key: authorizedKeyLine(rsa2048.algorithm, rsa2048.blob) }), 'public_key failed to meet the key requirements: key is of an invalid size: 2048');
    await b.write('roles/sha512', { key_type: 'ca', allow_user_certificates: true, allowed_users: '*', default_user: 'x', algorithm_signer: 'rsa-sha2-512' });
    // An Ed25519 CA cannot make RSA signatures.
    await refusedWithoutWrites(b, b.write('sign/sha512', { public_key: userPublicKey() }), /algorithm_signer "rsa-sha2-512" cannot be used with a CA key of type "ssh-ed25519"/);
  });

  it('issue generates a key pair whose private key ssh-keygen reads and whose public key the certificate holds', async () => {
    for (const [keyType, keyBits] of [['ed25519', 0], ['ec', 384], ['rsa', 2048]] as const) {
      const resp = await b.write('issue/users', { key_type: keyType, key_bits: keyBits, valid_principals: 'bob' });
      assert.equal(resp?.data?.['private_key_type'], keyType);
      const keyPath = join(dir, `issued-${keyType}`);
      writeFileSync(keyPath, resp?.data?.['private_key'] as string, { mode: 0o600 });
      const derivedPublic = execFileSync('ssh-keygen', ['-y', '-f', keyPath]).toString();
      writeFileSync(`${keyPath}.pub`, derivedPublic);
      const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', `${keyPath}.pub`]).toString().split(' ')[1]!;
      const out = keygenL(resp?.data?.['signed_key'] as string, `issued-${keyType}`);
      assert.ok(out.includes(fingerprint), `${keyType}: the certificate is for another key\n${out}`);
      assert.match(out, /Principals: \n\s+bob\n/);
    }
    assert.match((await b.write('issue/users', { key_type: 'ed25519' }))?.data?.['private_key'] as string, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    await refusedWithoutWrites(b, b.write('issue/users', { key_type: 'dsa' }), 'unknown key_type "dsa": use rsa, ec or ed25519');
    await refusedWithoutWrites(b, b.write('issue/nope', { key_type: 'ed25519' }), 'unknown role: nope');
    await refusedWithoutWrites(b, b.write('issue/users', { key_type: 'ed25519', valid_principals: 'root' }), 'root is not a valid value for valid_principals');
    await b.write('roles/rsa-only', { key_type: 'ca', allow_user_certificates: true, allowed_users: '*', default_user: 'x', allowed_user_key_lengths: { rsa: 4096 } });
    await refusedWithoutWrites(b, b.write('issue/rsa-only', { key_type: 'ed25519' }), /^provided key_type or key_bits not allowed by role: key of type ed25519 is not allowed/);
  });

  it('without a CA key, signing is refused', async () => {
    await b.delete('config/ca');
    await refusedWithoutWrites(b, b.write('sign/users', { public_key: userPublicKey() }), 'no keys configured: write config/ca first');
  });
});

describe('one-time passwords', () => {
  let b: TestBackend;
  beforeEach(async () => {
    b = await mount();
    await b.write('roles/otp', { key_type: 'otp', default_user: 'ubuntu', allowed_users: 'deploy', cidr_list: '10.0.0.0/8', exclude_cidr_list: '10.9.0.0/16' });
  });

  it('issues a password with a lease, verifies it once, and stores only its HMAC', async () => {
    const resp = await b.write('creds/otp', { ip: '10.1.2.3' });
    const otp = resp?.data?.['key'] as string;
    assert.deepEqual({ ...resp?.data, key: 'x' }, { key_type: 'otp', key: 'x', username: 'ubuntu', ip: '10.1.2.3', port: 22 });
    assert.equal(resp?.secret?.internalData['secret_type'], 'secret_otp_key');
    const stored = (await collectKeys(b.storage)).filter((k) => k.startsWith('otp/'));
    assert.equal(stored.length, 1);
    assert.ok(!stored[0]!.includes(otp));
    for (const k of await collectKeys(b.storage)) assert.ok(!(await b.storage.get(k))!.value.toString().includes(otp), `the password is in ${k}`);

    assert.deepEqual((await b.write('verify', { otp }))?.data, { username: 'ubuntu', ip: '10.1.2.3', role_name: 'otp' });
    await assertRejectsWithCode(b.write('verify', { otp }), 'invalid_request', 'OTP not found');
    assert.deepEqual((await b.write('verify', { otp: 'verify-echo-request' }))?.data, { message: 'verify-echo-response' });
  });

  it('revoking the lease withdraws an unused password', async () => {
    const resp = await b.write('creds/otp', { ip: '10.1.2.3', username: 'deploy' });
    await b.revoke(resp!.secret!);
    await assertRejectsWithCode(b.write('verify', { otp: resp?.data?.['key'] }), 'invalid_request', 'OTP not found');
  });

  it('lookup lists the roles covering an address; config/zeroaddress opens a role to any address', async () => {
    await b.write('roles/anywhere', { key_type: 'otp', default_user: 'ops', cidr_list: '192.0.2.0/24' });
    assert.deepEqual((await b.write('lookup', { ip: '10.1.2.3' }))?.data, { roles: ['otp'] });
    assert.deepEqual((await b.write('lookup', { ip: '172.16.0.1' }))?.data, { roles: [] });
    await refusedWithoutWrites(b, b.write('creds/anywhere', { ip: '172.16.0.1' }), 'Error validating IP: IP does not belong to role');
    await refusedWithoutWrites(b, b.write('config/zeroaddress', { roles: 'anywhere,ghost' }), 'Role "ghost" does not exist');
    await b.write('config/zeroaddress', { roles: 'anywhere' });
    assert.deepEqual((await b.read('config/zeroaddress'))?.data, { roles: ['anywhere'] });
    assert.deepEqual((await b.write('lookup', { ip: '172.16.0.1' }))?.data, { roles: ['anywhere'] });
    assert.equal((await b.write('creds/anywhere', { ip: '172.16.0.1' }))?.data?.['username'], 'ops');
    // Deleting the role takes it off the list.
    await b.delete('roles/anywhere');
    assert.equal(await b.read('config/zeroaddress'), null);
    await refusedWithoutWrites(b, b.write('lookup', { ip: 'x' }), 'Invalid IP "x"');
  });

  it('refuses hosts outside the role, users it does not allow, and CA roles', async () => {
    await refusedWithoutWrites(b, b.write('creds/otp', {}), 'Missing ip');
    await refusedWithoutWrites(b, b.write('creds/otp', { ip: 'nope' }), 'Invalid IP "nope"');
    await refusedWithoutWrites(b, b.write('creds/otp', { ip: '192.168.1.1' }), 'Error validating IP: IP does not belong to role');
    await refusedWithoutWrites(b, b.write('creds/otp', { ip: '10.9.1.1' }), 'Error validating IP: IP does not belong to role');
    await refusedWithoutWrites(b, b.write('creds/otp', { ip: '10.1.1.1', username: 'root' }), 'Username is not present is allowed users list');
    await refusedWithoutWrites(b, b.write('creds/missing', { ip: '10.1.1.1' }), 'Role "missing" not found');
    await b.write('roles/ca', { key_type: 'ca', allow_user_certificates: true });
    await refusedWithoutWrites(b, b.write('creds/ca', { ip: '10.1.1.1' }), /is not of key_type otp/);
  });
});
