// Issuers and keys: several roots in one mount, names and defaults, config/urls in issued
// certificates, sign-self-issued checked with openssl, and DELETE root.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { OPENSSL_SKIP, mountWithRoot, ok, openssl, tempDir, writeFile } from './pki-support.js';

let server: InProcessServer;
let firstRoot: string;
const dir = tempDir();

before(async () => {
  server = await startInProcessServer();
  firstRoot = await mountWithRoot(server, 'pki', 'First Root');
  await ok(server, 'POST', 'pki/roles/any', { allow_any_name: true, key_type: 'any' });
  await ok(server, 'POST', 'pki/roles/ec', { allow_any_name: true, key_type: 'ec', ttl: '1h' });
});

after(async () => {
  await server.close();
});

describe('pki issuers and keys', { skip: OPENSSL_SKIP }, () => {
  test('a second root: listed, named, selectable per request and as the default', async () => {
    const second = await ok(server, 'POST', 'pki/root/generate/internal', { common_name: 'Second Root', key_type: 'rsa', issuer_name: 'second', key_name: 'second-key' });
    assert.equal(second.data.issuer_name, 'second');
    assert.equal(second.data.key_name, 'second-key');
    const list = await server.request('LIST', 'pki/issuers', undefined, { token: null });
    assert.equal(list.body.data.keys.length, 2);
    assert.equal(list.body.data.key_info[second.data.issuer_id].is_default, false);
    // The first issuer stays the default; issuer/:ref/issue picks another one.
    const viaSecond = await ok(server, 'POST', 'pki/issuer/second/issue/ec', { common_name: 'x.test' });
    assert.equal(viaSecond.data.issuing_ca, second.data.certificate);
    assert.equal((await ok(server, 'POST', 'pki/issue/ec', { common_name: 'y.test' })).data.issuing_ca, firstRoot);
    // Switch the default.
    await ok(server, 'POST', 'pki/config/issuers', { default: 'second' });
    assert.equal((await ok(server, 'GET', 'pki/config/issuers')).data.default, second.data.issuer_id);
    assert.equal((await server.request('GET', 'pki/ca/pem', undefined, { token: null })).body, second.data.certificate);
    // Names are unique, and "default" is reserved.
    assert.equal((await server.request('POST', 'pki/issuer/second', { issuer_name: 'root' })).status, 400);
    assert.equal((await server.request('POST', 'pki/issuer/second', { issuer_name: 'default' })).status, 400);
    const renamed = await ok(server, 'POST', 'pki/issuer/second', { issuer_name: 'backup', leaf_not_after_behavior: 'truncate' });
    assert.equal(renamed.data.issuer_name, 'backup');
    assert.equal(renamed.data.leaf_not_after_behavior, 'truncate');
    // A key in use by an issuer cannot be deleted.
    const del = await server.request('DELETE', `pki/key/${second.data.key_id}`);
    assert.equal(del.status, 400);
    assert.match(del.body.errors[0], /in use by issuer/);
    const keys = await ok(server, 'LIST', 'pki/keys');
    assert.equal(keys.data.key_info[second.data.key_id].key_name, 'second-key');
    assert.equal((await ok(server, 'GET', `pki/key/${second.data.key_id}`)).data.key_type, 'rsa');
    await ok(server, 'POST', 'pki/config/issuers', { default: 'root' });
  });

  test('config/urls go into issued certificates (AIA and CRL distribution points)', async () => {
    await ok(server, 'POST', 'pki/config/urls', { issuing_certificates: `${server.address}/v1/pki/ca`, crl_distribution_points: `${server.address}/v1/pki/crl`, ocsp_servers: `${server.address}/v1/pki/ocsp` });
    const leaf = await ok(server, 'POST', 'pki/issue/ec', { common_name: 'urls.test' });
    const text = openssl(['x509', '-noout', '-text'], Buffer.from(leaf.data.certificate));
    assert.match(text, new RegExp(`OCSP - URI:${server.address}/v1/pki/ocsp`));
    assert.match(text, new RegExp(`CA Issuers - URI:${server.address}/v1/pki/ca`));
    assert.match(text, new RegExp(`URI:${server.address}/v1/pki/crl`));
    assert.equal(openssl(['x509', '-noout', '-ocsp_uri'], Buffer.from(leaf.data.certificate)).trim(), `${server.address}/v1/pki/ocsp`);
    await ok(server, 'POST', 'pki/config/urls', { issuing_certificates: [], crl_distribution_points: [], ocsp_servers: [] });
  });

  test('root/sign-self-issued re-signs an openssl self-signed CA; openssl verifies it against our root', async () => {
    const key = path.join(dir, 'other.key');
    const cert = path.join(dir, 'other.pem');
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=Other Root', '-days', '3', '-addext', 'basicConstraints=critical,CA:TRUE']);
    const signed = await ok(server, 'POST', 'pki/root/sign-self-issued', { certificate: fs.readFileSync(cert, 'utf8') });
    assert.equal(signed.data.issuing_ca, firstRoot);
    const out = writeFile(dir, 'cross.pem', signed.data.certificate);
    assert.match(openssl(['verify', '-CAfile', writeFile(dir, 'first.pem', firstRoot), out]), /cross.pem: OK/);
    assert.match(openssl(['x509', '-noout', '-subject', '-issuer', '-in', out]), /subject=CN ?= ?Other Root\s+issuer=CN ?= ?First Root/);
    // A leaf is refused.
    const leaf = await ok(server, 'POST', 'pki/issue/ec', { common_name: 'leaf.test' });
    const refused = await server.request('POST', 'pki/root/sign-self-issued', { certificate: leaf.data.certificate });
    assert.equal(refused.status, 400);
    assert.match(refused.body.errors[0], /not self-issued/);
  });

  test('issuer/:ref/revoke: the intermediate stops issuing and appears on its parent\'s CRL', async () => {
    const csr = (await ok(server, 'POST', 'pki/intermediate/generate/internal', { common_name: 'Same-Mount Intermediate', key_type: 'ec' })).data.csr;
    const signed = (await ok(server, 'POST', 'pki/root/sign-intermediate', { csr, common_name: 'Same-Mount Intermediate', ttl: '24h' })).data;
    const imported = (await ok(server, 'POST', 'pki/intermediate/set-signed', { certificate: signed.certificate })).data;
    const intId = imported.imported_issuers[0];
    await ok(server, 'POST', `pki/issuer/${intId}`, { issuer_name: 'inter' });
    assert.equal((await ok(server, 'POST', 'pki/issuer/inter/issue/ec', { common_name: 'before.test' })).data.issuing_ca, signed.certificate);
    const revoked = await ok(server, 'POST', 'pki/issuer/inter/revoke', {});
    assert.equal(revoked.data.revoked, true);
    assert.ok(revoked.data.revocation_time > 0);
    const refused = await server.request('POST', 'pki/issuer/inter/issue/ec', { common_name: 'after.test' });
    assert.equal(refused.status, 400);
    assert.match(refused.body.errors[0], /revoked/);
    const crl = await fetch(`${server.address}/v1/pki/issuer/root/crl/der`);
    const text = openssl(['crl', '-inform', 'DER', '-noout', '-text'], Buffer.from(await crl.arrayBuffer()));
    assert.match(text, new RegExp(signed.serial_number.replace(/:/g, '').toUpperCase()));
  });

  test('DELETE root removes every issuer and key; issuing then fails with a 400', async () => {
    const res = await server.request('DELETE', 'pki/root');
    assert.equal(res.status, 200);
    assert.equal((await server.request('LIST', 'pki/issuers')).status, 404);
    const issue = await server.request('POST', 'pki/issue/ec', { common_name: 'after.test' });
    assert.equal(issue.status, 400);
    assert.match(issue.body.errors[0], /no default issuer/);
  });
});
