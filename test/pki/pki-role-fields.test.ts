// Role fields end up in the certificate as openssl reads it: key types and sizes, key and
// extended key usages, policy identifiers, subject fields, IP (v4 and v6), URI and e-mail SANs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { OPENSSL_SKIP, mountWithRoot, ok, openssl, tempDir, writeFile } from './pki-support.js';

let server: InProcessServer;
let rootFile: string;
const dir = tempDir();

before(async () => {
  server = await startInProcessServer();
  rootFile = writeFile(dir, 'root.pem', await mountWithRoot(server, 'pki', 'Fields Root'));
});

after(async () => {
  await server.close();
});

async function issueWith(role: Record<string, unknown>, request: Record<string, unknown>): Promise<{ text: string; data: any }> {
  await ok(server, 'POST', 'pki/roles/r', { allow_any_name: true, ttl: '1h', ...role });
  const data = (await ok(server, 'POST', 'pki/issue/r', request)).data;
  const file = writeFile(dir, 'leaf.pem', data.certificate);
  assert.match(openssl(['verify', '-CAfile', rootFile, file]), /OK/);
  return { text: openssl(['x509', '-noout', '-text', '-in', file]), data };
}

describe('pki role fields', { skip: OPENSSL_SKIP }, () => {
  for (const [keyType, keyBits, expected] of [
    ['rsa', 3072, /Public-Key: \(3072 bit\)/],
    ['ec', 384, /NIST CURVE: P-384|ASN1 OID: secp384r1/],
    ['ec', 521, /secp521r1|P-521/],
    ['ed25519', 0, /ED25519/],
  ] as const) {
    test(`key_type=${keyType} key_bits=${keyBits}`, async () => {
      const { text, data } = await issueWith({ key_type: keyType, key_bits: keyBits }, { common_name: 'k.test' });
      assert.match(text, expected);
      assert.equal(data.private_key_type, keyType);
    });
  }

  test('usages, policies, subject fields and every kind of SAN', async () => {
    const { text } = await issueWith(
      {
        key_type: 'ec',
        key_usage: 'DigitalSignature,ContentCommitment',
        ext_key_usage: 'CodeSigning,TimeStamping',
        server_flag: false,
        client_flag: false,
        ext_key_usage_oids: '1.3.6.1.4.1.311.20.2.2',
        policy_identifiers: '1.3.6.1.4.1.44947.1.1.1',
        organization: 'Acme',
        ou: 'Ops',
        country: 'FR',
        allowed_uri_sans: 'spiffe://acme/*',
        basic_constraints_valid_for_non_ca: true,
      },
      { common_name: 'svc.test', alt_names: 'alt.test,ops@acme.test', ip_sans: '10.0.0.1,::1', uri_sans: 'spiffe://acme/ns/svc' },
    );
    assert.match(text, /Digital Signature, Non Repudiation/);
    assert.match(text, /Code Signing, Time Stamping, (Microsoft Smartcard Login|1\.3\.6\.1\.4\.1\.311\.20\.2\.2)/);
    assert.match(text, /Policy: 1\.3\.6\.1\.4\.1\.44947\.1\.1\.1/);
    assert.match(text, /Subject: C ?= ?FR, O ?= ?Acme, OU ?= ?Ops, CN ?= ?svc\.test/);
    assert.match(text, /CA:FALSE/);
    assert.match(text, /DNS:svc\.test, DNS:alt\.test, email:ops@acme\.test, IP Address:10\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1, URI:spiffe:\/\/acme\/ns\/svc/);
  });

  test('a URI SAN outside allowed_uri_sans and an IP SAN on a role that forbids them are refused', async () => {
    await ok(server, 'POST', 'pki/roles/strict', { allow_any_name: true, allowed_uri_sans: 'spiffe://acme/*', allow_ip_sans: false, key_type: 'ec' });
    const uri = await server.request('POST', 'pki/issue/strict', { common_name: 'a.test', uri_sans: 'spiffe://evil/x' });
    assert.equal(uri.status, 400);
    assert.match(uri.body.errors[0], /URI Subject Alternative Names/);
    const ip = await server.request('POST', 'pki/issue/strict', { common_name: 'a.test', ip_sans: '127.0.0.1' });
    assert.equal(ip.status, 400);
    assert.match(ip.body.errors[0], /IP Subject Alternative Names are not allowed in this role/);
  });

  test('an RSA root signs EC leaves, and ttl beyond max_ttl is capped with a warning', async () => {
    await ok(server, 'POST', 'sys/mounts/pki_rsa', { type: 'pki' });
    const root = await ok(server, 'POST', 'pki_rsa/root/generate/internal', { common_name: 'RSA Root', key_type: 'rsa', key_bits: 2048 });
    await ok(server, 'POST', 'pki_rsa/roles/r', { allow_any_name: true, key_type: 'ec', max_ttl: '2h' });
    const res = await server.request('POST', 'pki_rsa/issue/r', { common_name: 'capped.test', ttl: '5h' });
    assert.equal(res.status, 200);
    assert.match(res.body.warnings.join(' '), /is longer than permitted maxTTL/);
    assert.ok(Math.abs(res.body.data.expiration - (Date.now() / 1000 + 7200)) < 60);
    const file = writeFile(dir, 'rsa-leaf.pem', res.body.data.certificate);
    assert.match(openssl(['verify', '-CAfile', writeFile(dir, 'rsa-root.pem', root.data.certificate), file]), /OK/);
    assert.match(openssl(['x509', '-noout', '-text', '-in', file]), /Signature Algorithm: sha256WithRSAEncryption/);
    // signature_bits picks the issuer's hash.
    await ok(server, 'POST', 'pki_rsa/roles/sha512', { allow_any_name: true, key_type: 'ec', signature_bits: 512 });
    const strong = (await ok(server, 'POST', 'pki_rsa/issue/sha512', { common_name: 'sha512.test', ttl: '1h' })).data;
    const strongFile = writeFile(dir, 'sha512.pem', strong.certificate);
    assert.match(openssl(['x509', '-noout', '-text', '-in', strongFile]), /Signature Algorithm: sha512WithRSAEncryption/);
    assert.match(openssl(['verify', '-CAfile', writeFile(dir, 'rsa-root.pem', root.data.certificate), strongFile]), /OK/);
    assert.equal((await server.request('POST', 'pki_rsa/roles/bad', { signature_bits: 128 })).status, 400);
  });
});
