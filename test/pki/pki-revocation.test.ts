// Revocation proved with openssl: the CRL lists revoked serials, and `openssl ocsp`
// against Coffer's OCSP responder says good, then revoked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { OPENSSL_SKIP, mountWithRoot, ok, openssl, opensslAll, tempDir, writeFile } from './pki-support.js';

let server: InProcessServer;
let rootPem: string;
let rootFile: string;
const dir = tempDir();

before(async () => {
  server = await startInProcessServer();
  rootPem = await mountWithRoot(server, 'pki', 'Coffer Revocation Root');
  rootFile = writeFile(dir, 'root.pem', rootPem);
  await ok(server, 'POST', 'pki/roles/web', { allowed_domains: 'example.com', allow_subdomains: true, key_type: 'ec', ttl: '1h' });
});

after(async () => {
  await server.close();
});

async function issue(cn: string, extra: Record<string, unknown> = {}): Promise<any> {
  return (await ok(server, 'POST', 'pki/issue/web', { common_name: cn, ...extra })).data;
}

function ocsp(leafFile: string): Promise<string> {
  return opensslAll(['ocsp', '-issuer', rootFile, '-cert', leafFile, '-url', `${server.address}/v1/pki/ocsp`, '-CAfile', rootFile, '-resp_text']);
}

describe('pki revocation', { skip: OPENSSL_SKIP }, () => {
  test('revoke puts the serial in the CRL that openssl crl reads (DER and PEM, no token)', async () => {
    const keep = await issue('keep.example.com');
    const gone = await issue('gone.example.com');
    const revoked = await ok(server, 'POST', 'pki/revoke', { serial_number: gone.serial_number });
    assert.equal(typeof revoked.data.revocation_time, 'number');
    assert.match(revoked.data.revocation_time_rfc3339, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Revoking again answers with the first revocation time.
    assert.equal((await ok(server, 'POST', 'pki/revoke', { serial_number: gone.serial_number })).data.revocation_time, revoked.data.revocation_time);

    const der = await fetch(`${server.address}/v1/pki/crl`);
    assert.equal(der.status, 200);
    assert.equal(der.headers.get('content-type'), 'application/pkix-crl');
    const crlFile = writeFile(dir, 'crl.der', Buffer.from(await der.arrayBuffer()));
    const text = await opensslAll(['crl', '-inform', 'DER', '-in', crlFile, '-noout', '-text', '-CAfile', rootFile]);
    assert.match(text, /verify OK/);
    assert.match(text, new RegExp(`Serial Number: ${gone.serial_number.replace(/:/g, '').toUpperCase()}`));
    assert.doesNotMatch(text, new RegExp(keep.serial_number.replace(/:/g, '').toUpperCase()));
    assert.match(text, /X509v3 CRL Number/);
    const pem = await server.request('GET', 'pki/crl/pem', undefined, { token: null });
    assert.match(pem.body, /^-----BEGIN X509 CRL-----/);
    const cert = await server.request('GET', `pki/cert/${gone.serial_number}`, undefined, { token: null });
    assert.equal(cert.body.data.revocation_time, revoked.data.revocation_time);
    assert.ok((await ok(server, 'LIST', 'pki/certs/revoked')).data.keys.includes(gone.serial_number));
  });

  test('openssl ocsp (POST) says good, then revoked after revoke; GET works too', async () => {
    const leaf = await issue('ocsp.example.com');
    const leafFile = writeFile(dir, 'ocsp-leaf.pem', leaf.certificate);
    const good = await ocsp(leafFile);
    assert.match(good, /Response verify OK/);
    assert.match(good, new RegExp(`${leafFile}: good`));
    await ok(server, 'POST', 'pki/revoke', { serial_number: leaf.serial_number });
    const revoked = await ocsp(leafFile);
    assert.match(revoked, /Response verify OK/);
    assert.match(revoked, new RegExp(`${leafFile}: revoked`));

    // The GET form: base64 DER request as the last path segment.
    const reqFile = `${dir}/ocsp.req`;
    openssl(['ocsp', '-issuer', rootFile, '-cert', leafFile, '-reqout', reqFile, '-no_nonce']);
    const b64 = (await import('node:fs')).readFileSync(reqFile).toString('base64');
    const res = await fetch(`${server.address}/v1/pki/ocsp/${encodeURIComponent(b64)}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/ocsp-response');
    const respFile = writeFile(dir, 'ocsp.resp', Buffer.from(await res.arrayBuffer()));
    const text = await opensslAll(['ocsp', '-respin', respFile, '-issuer', rootFile, '-cert', leafFile, '-CAfile', rootFile]);
    assert.match(text, /: revoked/);
  });

  test('OCSP for a certificate of an unknown issuer, or with ocsp_disable, answers unauthorized', async () => {
    await ok(server, 'POST', 'sys/mounts/pki_other', { type: 'pki' });
    const otherRoot = (await ok(server, 'POST', 'pki_other/root/generate/internal', { common_name: 'Other Root', key_type: 'ec' })).data.certificate;
    await ok(server, 'POST', 'pki_other/roles/any', { allow_any_name: true, key_type: 'ec', ttl: '1h' });
    const foreign = (await ok(server, 'POST', 'pki_other/issue/any', { common_name: 'foreign.test' })).data;
    const otherFile = writeFile(dir, 'other-root.pem', otherRoot);
    const out = await opensslAll(['ocsp', '-issuer', otherFile, '-cert', writeFile(dir, 'foreign.pem', foreign.certificate), '-url', `${server.address}/v1/pki/ocsp`, '-CAfile', otherFile]);
    assert.match(out, /unauthorized/i);
    const mine = await issue('disabled.example.com');
    await ok(server, 'POST', 'pki/config/crl', { ocsp_disable: true });
    try {
      assert.match(await ocsp(writeFile(dir, 'disabled.pem', mine.certificate)), /unauthorized/i);
    } finally {
      await ok(server, 'POST', 'pki/config/crl', { ocsp_disable: false });
    }
    assert.match(await ocsp(writeFile(dir, 'disabled.pem', mine.certificate)), /: good/);
  });

  test('a malformed OCSP request gets malformedRequest with 400', async () => {
    const res = await fetch(`${server.address}/v1/pki/ocsp`, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body: Buffer.from('not der') });
    assert.equal(res.status, 400);
    const respFile = writeFile(dir, 'bad.resp', Buffer.from(await res.arrayBuffer()));
    assert.match(await opensslAll(['ocsp', '-respin', respFile, '-resp_text', '-noverify']), /malformedrequest/i);
  });

  test('revoke-with-key needs the matching key; a certificate sent in full can be revoked (no_store)', async () => {
    const a = await issue('a.example.com');
    const b = await issue('b.example.com');
    const wrong = await server.request('POST', 'pki/revoke-with-key', { serial_number: a.serial_number, private_key: b.private_key });
    assert.equal(wrong.status, 400);
    assert.match(wrong.body.errors[0], /private key/);
    assert.equal((await server.request('GET', `pki/cert/${a.serial_number}`)).body.data.revocation_time, 0);
    await ok(server, 'POST', 'pki/revoke-with-key', { serial_number: a.serial_number, private_key: a.private_key });
    assert.notEqual((await server.request('GET', `pki/cert/${a.serial_number}`)).body.data.revocation_time, 0);

    await ok(server, 'POST', 'pki/roles/ephemeral', { allowed_domains: 'example.com', allow_subdomains: true, key_type: 'ec', ttl: '1h', no_store: true });
    const eph = (await ok(server, 'POST', 'pki/issue/ephemeral', { common_name: 'eph.example.com' })).data;
    const bySerial = await server.request('POST', 'pki/revoke', { serial_number: eph.serial_number });
    assert.equal(bySerial.status, 400);
    await ok(server, 'POST', 'pki/revoke', { certificate: eph.certificate });
    assert.match(await ocsp(writeFile(dir, 'eph.pem', eph.certificate)), /: revoked/);
  });

  test('generate_lease: revoking the lease revokes the certificate', async () => {
    await ok(server, 'POST', 'pki/roles/leased', { allowed_domains: 'example.com', allow_subdomains: true, key_type: 'ec', ttl: '1h', generate_lease: true });
    const res = await ok(server, 'POST', 'pki/issue/leased', { common_name: 'lease.example.com' });
    assert.match(res.lease_id, /^pki\/issue\/leased\//);
    assert.ok(res.lease_duration > 3500 && res.lease_duration <= 3600);
    assert.equal((await ok(server, 'GET', `pki/cert/${res.data.serial_number}`)).data.revocation_time, 0);
    await ok(server, 'PUT', 'sys/leases/revoke', { lease_id: res.lease_id });
    assert.notEqual((await ok(server, 'GET', `pki/cert/${res.data.serial_number}`)).data.revocation_time, 0);
  });

  test('delta CRLs with auto_rebuild; crl/rotate; config/crl validation', async () => {
    const bad = await server.request('POST', 'pki/config/crl', { enable_delta: true });
    assert.equal(bad.status, 400);
    await ok(server, 'POST', 'pki/config/crl', { auto_rebuild: true, enable_delta: true, expiry: '48h' });
    const cfg = await ok(server, 'GET', 'pki/config/crl');
    assert.equal(cfg.data.expiry, '48h');
    assert.equal(cfg.data.enable_delta, true);
    const leaf = await issue('delta.example.com');
    await ok(server, 'POST', 'pki/revoke', { serial_number: leaf.serial_number });
    const delta = await fetch(`${server.address}/v1/pki/crl/delta`);
    assert.equal(delta.status, 200);
    const text = openssl(['crl', '-inform', 'DER', '-in', writeFile(dir, 'delta.der', Buffer.from(await delta.arrayBuffer())), '-noout', '-text']);
    assert.match(text, /Delta CRL Indicator/);
    assert.match(text, new RegExp(leaf.serial_number.replace(/:/g, '').toUpperCase()));
    assert.deepEqual((await ok(server, 'GET', 'pki/crl/rotate')).data, { success: true });
    const full = openssl(['crl', '-inform', 'DER', '-in', writeFile(dir, 'full.der', Buffer.from(await (await fetch(`${server.address}/v1/pki/crl`)).arrayBuffer())), '-noout', '-text']);
    assert.match(full, new RegExp(leaf.serial_number.replace(/:/g, '').toUpperCase()));
    await ok(server, 'POST', 'pki/config/crl', { auto_rebuild: false, enable_delta: false, expiry: '72h' });
  });

  test('tidy removes expired certificates; tidy-status reports it', async () => {
    const bad = await server.request('POST', 'pki/tidy', {});
    assert.equal(bad.status, 400);
    const res = await server.request('POST', 'pki/tidy', { tidy_cert_store: true, tidy_revoked_certs: true, safety_buffer: '1s' });
    assert.equal(res.status, 202);
    let status: any;
    for (let i = 0; i < 50; i++) {
      status = (await ok(server, 'GET', 'pki/tidy-status')).data;
      if (status.state !== 'Running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status.state, 'Finished');
    // Nothing has expired yet: everything stays.
    assert.equal(status.cert_store_deleted_count, 0);
    assert.ok(status.current_cert_store_count > 0);
    // Cancelling: refused when idle; a slow tidy (pause_duration) stops and says Cancelled.
    assert.equal((await server.request('POST', 'pki/tidy-cancel', {})).status, 400);
    assert.equal((await server.request('POST', 'pki/tidy', { tidy_cert_store: true, pause_duration: '200ms' })).status, 202);
    assert.equal((await server.request('POST', 'pki/tidy', { tidy_cert_store: true })).status, 400, 'a second tidy is refused while one runs');
    assert.equal((await ok(server, 'POST', 'pki/tidy-cancel', {})).data.state, 'Cancelling');
    for (let i = 0; i < 50; i++) {
      status = (await ok(server, 'GET', 'pki/tidy-status')).data;
      if (status.state !== 'Cancelling') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status.state, 'Cancelled');
    const auto = await ok(server, 'POST', 'pki/config/auto-tidy', { enabled: true, tidy_cert_store: true, interval_duration: '1h' });
    assert.equal(auto.data.interval_duration, 3600);
    assert.equal((await ok(server, 'GET', 'pki/config/auto-tidy')).data.enabled, true);
  });
});
