// The PKI engine over real HTTP, checked with the tools people use: openssl verify
// accepts the chains Coffer issues, and Node's TLS accepts a Coffer-issued server certificate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { OPENSSL_SKIP, mountWithRoot, ok, openssl, tempDir, writeFile } from './pki-support.js';

let server: InProcessServer;
let rootPem: string;
const dir = tempDir();

before(async () => {
  server = await startInProcessServer();
  rootPem = await mountWithRoot(server, 'pki', 'Coffer Test Root');
  await ok(server, 'POST', 'pki/roles/web', { allowed_domains: 'example.com', allow_subdomains: true, allow_localhost: true, key_type: 'ec', key_bits: 256, max_ttl: '72h' });
  await ok(server, 'POST', 'pki/roles/rsa', { allowed_domains: 'example.com', allow_bare_domains: true, key_type: 'rsa', key_bits: 2048, no_store: true });
});

after(async () => {
  await server.close();
});

const SERIAL = /^([0-9a-f]{2}:)+[0-9a-f]{2}$/;

describe('pki issue', { skip: OPENSSL_SKIP }, () => {
  test('root/generate answers with Vault\'s fields and the root is a CA openssl accepts', async () => {
    const text = openssl(['x509', '-noout', '-text'], Buffer.from(rootPem));
    assert.match(text, /CA:TRUE/);
    assert.match(text, /Certificate Sign, CRL Sign/);
    const rootFile = writeFile(dir, 'root.pem', rootPem);
    assert.match(openssl(['verify', '-CAfile', rootFile, rootFile]), /OK/);
    const issuers = await ok(server, 'LIST', 'pki/issuers');
    assert.equal(issuers.data.keys.length, 1);
    const issuer = await ok(server, 'GET', 'pki/issuer/root');
    assert.equal(issuer.data.issuer_name, 'root');
    assert.equal(issuer.data.certificate, rootPem);
    assert.deepEqual(issuer.data.ca_chain, [rootPem]);
    const key = await ok(server, 'GET', `pki/key/${issuer.data.key_id}`);
    assert.deepEqual(Object.keys(key.data).sort(), ['key_id', 'key_name', 'key_type']);
    assert.equal(key.data.key_type, 'ec');
  });

  test('issue/:role (ecdsa-p256): certificate, issuing_ca, ca_chain, private_key, serial_number, expiration; openssl verify accepts it', async () => {
    const res = await ok(server, 'POST', 'pki/issue/web', { common_name: 'www.example.com', alt_names: 'api.example.com', ip_sans: '127.0.0.1', ttl: '1h' });
    const d = res.data;
    assert.match(d.serial_number, SERIAL);
    assert.equal(d.private_key_type, 'ec');
    assert.match(d.private_key, /^-----BEGIN EC PRIVATE KEY-----/);
    assert.equal(d.issuing_ca, rootPem);
    assert.deepEqual(d.ca_chain, [rootPem]);
    assert.equal(typeof d.expiration, 'number');
    assert.ok(Math.abs(d.expiration - (Date.now() / 1000 + 3600)) < 60);
    const leaf = writeFile(dir, 'leaf-ec.pem', d.certificate);
    assert.match(openssl(['verify', '-CAfile', writeFile(dir, 'root.pem', rootPem), leaf]), /leaf-ec.pem: OK/);
    const text = openssl(['x509', '-noout', '-text', '-in', leaf]);
    assert.match(text, /DNS:www\.example\.com, DNS:api\.example\.com, IP Address:127\.0\.0\.1/);
    assert.match(text, /TLS Web Server Authentication, TLS Web Client Authentication/);
    assert.match(openssl(['x509', '-noout', '-serial', '-in', leaf]).toLowerCase(), new RegExp(d.serial_number.replace(/:/g, '')));
    // The key really belongs to the certificate.
    const keyFile = writeFile(dir, 'leaf-ec.key', d.private_key);
    assert.equal(openssl(['pkey', '-in', keyFile, '-pubout']), openssl(['x509', '-in', leaf, '-noout', '-pubkey']));
    // Stored: listed and readable without a token.
    const listed = await ok(server, 'LIST', 'pki/certs');
    assert.ok(listed.data.keys.includes(d.serial_number));
    const fetched = await server.request('GET', `pki/cert/${d.serial_number}`, undefined, { token: null });
    assert.equal(fetched.status, 200);
    assert.equal(fetched.body.data.certificate, d.certificate);
    assert.equal(fetched.body.data.revocation_time, 0);
  });

  test('issue/:role (rsa-2048, no_store): verified by openssl and not stored', async () => {
    const before = (await ok(server, 'LIST', 'pki/certs')).data.keys.length;
    const res = await ok(server, 'POST', 'pki/issue/rsa', { common_name: 'example.com', ttl: '24h' });
    assert.equal(res.data.private_key_type, 'rsa');
    assert.match(res.data.private_key, /^-----BEGIN RSA PRIVATE KEY-----/);
    const leaf = writeFile(dir, 'leaf-rsa.pem', res.data.certificate);
    assert.match(openssl(['verify', '-CAfile', writeFile(dir, 'root.pem', rootPem), leaf]), /OK/);
    assert.match(openssl(['x509', '-noout', '-text', '-in', leaf]), /Public-Key: \(2048 bit\)/);
    assert.equal((await ok(server, 'LIST', 'pki/certs')).data.keys.length, before);
    assert.equal((await server.request('GET', `pki/cert/${res.data.serial_number}`)).status, 404);
  });

  test('format=der gives base64 DER; format=pem_bundle gives key, certificate and chain in one PEM', async () => {
    const der = (await ok(server, 'POST', 'pki/issue/web', { common_name: 'der.example.com', format: 'der', ttl: '1h' })).data;
    const text = openssl(['x509', '-inform', 'DER', '-noout', '-subject'], Buffer.from(der.certificate, 'base64'));
    assert.match(text, /CN ?= ?der\.example\.com/);
    assert.equal(Buffer.from(der.issuing_ca, 'base64').toString('base64'), der.issuing_ca);
    assert.doesNotMatch(der.private_key, /BEGIN/);
    const bundle = (await ok(server, 'POST', 'pki/issue/web', { common_name: 'bundle.example.com', format: 'pem_bundle', ttl: '1h', private_key_format: 'pkcs8' })).data;
    assert.match(bundle.private_key, /^-----BEGIN PRIVATE KEY-----/);
    const blocks = bundle.certificate.match(/-----BEGIN [A-Z ]+-----/g);
    assert.deepEqual(blocks, ['-----BEGIN PRIVATE KEY-----', '-----BEGIN CERTIFICATE-----', '-----BEGIN CERTIFICATE-----']);
    assert.ok(bundle.certificate.endsWith(rootPem));
  });

  test('sign/:role signs an openssl CSR; sign-verbatim keeps the CSR subject', async () => {
    const key = writeFile(dir, 'csr.key', '');
    const csrFile = `${dir}/req.csr`;
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csrFile, '-subj', '/O=Acme/CN=svc.example.com']);
    const csr = (await import('node:fs')).readFileSync(csrFile, 'utf8');
    const signed = await ok(server, 'POST', 'pki/sign/web', { csr, common_name: 'ignored.example.com', ttl: '30m' });
    assert.equal(signed.data.private_key, undefined);
    const leaf = writeFile(dir, 'signed.pem', signed.data.certificate);
    assert.match(openssl(['verify', '-CAfile', writeFile(dir, 'root.pem', rootPem), leaf]), /OK/);
    // use_csr_common_name defaults to true: the CSR's CN wins.
    assert.match(openssl(['x509', '-noout', '-subject', '-in', leaf]), /CN ?= ?svc\.example\.com/);
    const verbatim = await ok(server, 'POST', 'pki/sign-verbatim', { csr, ttl: '30m' });
    const vleaf = writeFile(dir, 'verbatim.pem', verbatim.data.certificate);
    assert.match(openssl(['x509', '-noout', '-subject', '-in', vleaf]), /O ?= ?Acme, CN ?= ?svc\.example\.com/);
  });

  test('intermediate CA: generate, root/sign-intermediate, set-signed, then issue; openssl verifies the 3-level chain', async () => {
    await ok(server, 'POST', 'sys/mounts/pki_int', { type: 'pki' });
    const gen = await ok(server, 'POST', 'pki_int/intermediate/generate/internal', { common_name: 'Coffer Intermediate', key_type: 'ec' });
    assert.match(gen.data.csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
    assert.ok(gen.data.key_id);
    assert.equal(gen.data.private_key, undefined);
    const signed = await ok(server, 'POST', 'pki/root/sign-intermediate', { csr: gen.data.csr, common_name: 'Coffer Intermediate', ttl: '100h' });
    assert.match(signed.data.serial_number, SERIAL);
    assert.equal(signed.data.issuing_ca, rootPem);
    const set = await ok(server, 'POST', 'pki_int/intermediate/set-signed', { certificate: `${signed.data.certificate}\n${rootPem}` });
    assert.equal(set.data.imported_issuers.length, 2);
    const intId = set.data.imported_issuers.find((id: string) => set.data.mapping[id] === gen.data.key_id);
    assert.ok(intId, 'the intermediate is linked to its key');
    assert.equal((await ok(server, 'GET', 'pki_int/config/issuers')).data.default, intId);
    await ok(server, 'POST', 'pki_int/roles/svc', { allowed_domains: 'internal.test', allow_subdomains: true, key_type: 'ec' });
    const leaf = await ok(server, 'POST', 'pki_int/issue/svc', { common_name: 'db.internal.test', ttl: '1h' });
    assert.deepEqual(leaf.data.ca_chain, [signed.data.certificate, rootPem]);
    const out = openssl(['verify', '-CAfile', writeFile(dir, 'root.pem', rootPem), '-untrusted', writeFile(dir, 'int.pem', signed.data.certificate), writeFile(dir, 'leaf-int.pem', leaf.data.certificate)]);
    assert.match(out, /leaf-int.pem: OK/);
    const chain = await server.request('GET', 'pki_int/ca_chain', undefined, { token: null });
    assert.equal(chain.status, 200);
    assert.equal(chain.body, `${signed.data.certificate}\n${rootPem}`);
  });

  test('Node TLS accepts a Coffer-issued server certificate in a real handshake on loopback', async () => {
    const issued = await ok(server, 'POST', 'pki/issue/web', { common_name: 'localhost', ip_sans: '127.0.0.1', ttl: '10m' });
    const tlsServer = tls.createServer({ cert: `${issued.data.certificate}\n${issued.data.issuing_ca}`, key: issued.data.private_key }, (socket) => socket.end('hello over coffer tls\n'));
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    try {
      const port = (tlsServer.address() as AddressInfo).port;
      const { authorized, text, peerSerial } = await new Promise<{ authorized: boolean; text: string; peerSerial: string }>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: [rootPem] }, () => {
          let text = '';
          socket.on('data', (c) => (text += c));
          socket.on('end', () => resolve({ authorized: socket.authorized, text, peerSerial: socket.getPeerCertificate().serialNumber }));
        });
        socket.on('error', reject);
      });
      assert.equal(authorized, true);
      assert.equal(text, 'hello over coffer tls\n');
      assert.equal(peerSerial.toLowerCase(), issued.data.serial_number.replace(/:/g, ''));
      // And a client that does not trust the root refuses it.
      await assert.rejects(
        new Promise((resolve, reject) => {
          const s = tls.connect({ host: '127.0.0.1', port, servername: 'localhost' }, () => resolve(s.end()));
          s.on('error', reject);
        }),
        /self[- ]signed|unable to (get|verify)/i,
      );
    } finally {
      tlsServer.close();
    }
  });
});
