// Bad input to the PKI engine: a 400 with Vault's {"errors":[...]} body, and nothing written.
// Private keys never reach the audit log in clear.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { collectKeys } from '@coffer/sdk';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { OPENSSL_SKIP, mountWithRoot, ok, openssl, tempDir } from './pki-support.js';

let server: InProcessServer;
const dir = tempDir();

before(async () => {
  server = await startInProcessServer();
  await mountWithRoot(server, 'pki', 'Coffer Input Root');
  await ok(server, 'POST', 'pki/roles/web', { allowed_domains: 'example.com', allow_subdomains: true, key_type: 'ec', ttl: '1h' });
});

after(async () => {
  await server.close();
});

/** Every key of the pki mount's storage, as the barrier holds them. */
async function storedKeys(): Promise<string[]> {
  const entry = server.core.mounts.find('mounts', 'pki/');
  assert.ok(entry);
  return collectKeys(server.core.mounts.storageOf(entry));
}

async function refused(p: string, body: Record<string, unknown>, message: RegExp): Promise<void> {
  const before = await storedKeys();
  const res = await server.request('POST', p, body);
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.errors.length, 1);
  assert.match(res.body.errors[0], message);
  assert.deepEqual(await storedKeys(), before, 'a refused request wrote something');
}

function rsaCsr(): string {
  const out = path.join(dir, 'rsa.csr');
  openssl(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'rsa.key'), '-out', out, '-subj', '/CN=rsa.example.com']);
  return fs.readFileSync(out, 'utf8');
}

describe('pki bad input', { skip: OPENSSL_SKIP }, () => {
  test('a role that forbids the name', async () => {
    await refused('pki/issue/web', { common_name: 'www.evil.com' }, /^common name www\.evil\.com not allowed by this role$/);
    await refused('pki/issue/web', { common_name: 'ok.example.com', alt_names: 'evil.org' }, /subject alternate name evil\.org not allowed by this role/);
    await refused('pki/issue/web', { common_name: 'example.com' }, /not allowed by this role/); // bare domain not allowed
    await refused('pki/issue/web', {}, /common_name field is required/);
    await refused('pki/issue/nope', { common_name: 'a.example.com' }, /^unknown role: nope$/);
    await refused('pki/issue/web', { common_name: 'a.example.com', serial_number: 'DEV-1' }, /serial_number DEV-1 not allowed by this role/);
  });

  test('a malformed CSR, and a CSR with the wrong key type', async () => {
    await refused('pki/sign/web', { csr: '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----' }, /certificate request could not be parsed/);
    await refused('pki/sign/web', { csr: 'garbage' }, /certificate request could not be parsed/);
    await refused('pki/sign/web', { csr: rsaCsr() }, /^role requires keys of type ec$/);
    await refused('pki/root/sign-intermediate', { csr: 'garbage', common_name: 'x' }, /certificate request could not be parsed/);
  });

  test('bad role, key and TTL settings', async () => {
    await refused('pki/roles/bad', { key_type: 'dsa' }, /unknown key type: dsa/);
    await refused('pki/roles/bad', { key_type: 'ec', key_bits: 300 }, /unsupported bit length for EC key/);
    await refused('pki/roles/bad', { ttl: '2h', max_ttl: '1h' }, /"ttl" value must be less than "max_ttl" value/);
    await refused('pki/root/generate/internal', { common_name: 'x', key_type: 'rsa', key_bits: 1024 }, /unsupported bit length for RSA key/);
    await refused('pki/issue/web', { common_name: 'a.example.com', ip_sans: 'not-an-ip' }, /not a valid IP address/);
    await refused('pki/revoke', { serial_number: 'zz:yy' }, /invalid serial number/);
    await refused('pki/revoke', { serial_number: '01:02:03' }, /certificate with serial 01:02:03 not found/);
    await refused('pki/intermediate/set-signed', { certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, /error parsing certificate/);
    await refused('pki/config/urls', { ocsp_servers: 'not a url' }, /invalid URL/);
  });

  test('unauthenticated paths need no token; the rest does', async () => {
    for (const p of ['pki/ca', 'pki/ca/pem', 'pki/ca_chain', 'pki/crl', 'pki/crl/pem', 'pki/cert/ca']) {
      assert.equal((await server.request('GET', p, undefined, { token: null })).status, 200, p);
    }
    assert.equal((await server.request('POST', 'pki/issue/web', { common_name: 'a.example.com' }, { token: null })).status, 403);
    assert.equal((await server.request('GET', 'pki/roles/web', undefined, { token: null })).status, 403);
  });

  test('private keys are not in the audit log in clear', async () => {
    const logFile = path.join(dir, 'audit.log');
    await ok(server, 'PUT', 'sys/audit/file', { type: 'file', options: { file_path: logFile } });
    const issued = await ok(server, 'POST', 'pki/issue/web', { common_name: 'audit.example.com' });
    const exported = await ok(server, 'POST', 'pki/root/generate/exported', { common_name: 'Exported Root', key_type: 'ec', issuer_name: 'exported' });
    await ok(server, 'DELETE', 'sys/audit/file');
    const log = fs.readFileSync(logFile, 'utf8');
    assert.ok(log.includes('pki/issue/web'), 'the issue request was audited');
    for (const key of [issued.data.private_key, exported.data.private_key]) {
      const body = key.split('\n').slice(1, -1).join('');
      assert.ok(!log.includes(body.slice(0, 40)) && !log.includes(JSON.stringify(key).slice(1, 60)), 'a private key appears in the audit log');
    }
  });
});
