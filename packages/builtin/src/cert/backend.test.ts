import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Auth, Request } from '@coffer/sdk';
import { assertEveryPathDocumented, assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { createCa, createCrl, issue, type Issued } from '../../../../test/support/client-certificates.js';
import { createCertBackend } from './index.js';

/** The request fields a client's TLS connection gives the backend. */
function presenting(...chain: Issued[]): Partial<Request> {
  return { connection: { remoteAddress: '127.0.0.1', peerCertificates: chain.map((c) => c.cert) } };
}

let clock = new Date();

async function mount(): Promise<TestBackend> {
  clock = new Date();
  return createTestBackend((conf) => createCertBackend(conf, { now: () => clock }), { mountPoint: 'auth/cert/', mountType: 'cert' });
}

let root: Issued;
let otherRoot: Issued;
let intermediate: Issued;
let alice: Issued;
let bob: Issued;
let viaIntermediate: Issued;
let stranger: Issued;

before(async () => {
  root = await createCa('CN=Root A');
  otherRoot = await createCa('CN=Root B');
  intermediate = await issue({ subject: 'CN=Intermediate A', ca: true }, root);
  alice = await issue(
    {
      subject: 'CN=alice, OU=engineering',
      dnsNames: ['alice.example.com'],
      emails: ['alice@example.com'],
      uris: ['spiffe://example.com/alice'],
      extensions: { '1.2.3.4.5': 'team-blue' },
    },
    root,
  );
  bob = await issue({ subject: 'CN=bob, OU=sales', dnsNames: ['bob.example.org'] }, root);
  viaIntermediate = await issue({ subject: 'CN=carol' }, intermediate);
  stranger = await issue({ subject: 'CN=alice' }, otherRoot);
});

async function login(t: TestBackend, extra: Partial<Request>, data: Record<string, unknown> = {}): Promise<Auth> {
  const resp = await t.write('login', data, extra);
  assert.ok(resp?.auth, 'a login returns auth');
  return resp.auth;
}

describe('cert auth: trusted certificates', () => {
  it('is a credential backend whose login needs no token, with every path documented', async () => {
    const t = await mount();
    assert.equal(t.backend.type, 'credential');
    assert.deepEqual(t.backend.specialPaths().unauthenticated, ['login']);
    await assertEveryPathDocumented(t.backend);
  });

  it('stores, reads, lists and deletes trusted certificates with their constraints and token settings', async () => {
    const t = await mount();
    await t.write('certs/Web', {
      certificate: root.cert,
      allowed_common_names: 'alice,bob*',
      required_extensions: ['1.2.3.4.5:team-*'],
      ocsp_enabled: false,
      ocsp_servers_override: 'http://ocsp.example.com',
      token_policies: 'web,ops',
      token_ttl: '1h',
      token_max_ttl: '2h',
    });
    const read = (await t.read('certs/web'))!.data!;
    assert.equal(read['certificate'], root.cert);
    assert.equal(read['display_name'], 'web');
    assert.deepEqual(read['allowed_common_names'], ['alice', 'bob*']);
    assert.deepEqual(read['required_extensions'], ['1.2.3.4.5:team-*']);
    assert.deepEqual(read['ocsp_servers_override'], ['http://ocsp.example.com']);
    assert.equal(read['ocsp_fail_open'], false);
    assert.deepEqual(read['token_policies'], ['web', 'ops']);
    assert.equal(read['token_ttl'], 3600);
    assert.equal(read['token_max_ttl'], 7200);
    assert.equal('policies' in read, false, 'legacy names are reported only when written');
    assert.deepEqual((await t.list('certs/'))!.data!['keys'], ['web']);

    // An update changes only what it sends; legacy names are upgraded.
    await t.write('certs/web', { policies: 'legacy', lease: 60 });
    const updated = (await t.read('certs/web'))!.data!;
    assert.deepEqual(updated['token_policies'], ['legacy']);
    assert.deepEqual(updated['policies'], ['legacy']);
    assert.equal(updated['token_ttl'], 60);
    assert.deepEqual(updated['allowed_common_names'], ['alice', 'bob*']);

    await t.delete('certs/web');
    assert.equal(await t.read('certs/web'), null);
  });

  it('refuses certificates that do not parse, leaf certificates without client auth, and malformed settings', async () => {
    const t = await mount();
    await rejects(t.write('certs/x', { certificate: 'not a certificate' }), 'invalid_request', 'failed to parse certificate');
    await rejects(t.write('certs/x', {}), 'invalid_request', 'failed to parse certificate');
    const serverOnly = await issue({ subject: 'CN=server', extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] }, root);
    await rejects(t.write('certs/x', { certificate: serverOnly.cert }), 'invalid_request', /TLS client authentication/);
    await rejects(t.write('certs/x', { certificate: root.cert, required_extensions: 'no-colon' }), 'invalid_request', /oid:value/);
    await rejects(t.write('certs/x', { certificate: root.cert, token_ttl: 100, token_max_ttl: 10 }), 'invalid_request');
    assert.equal(await t.read('certs/x'), null, 'nothing was stored');
  });
});

describe('cert auth: login', () => {
  it('logs in a client whose certificate a trusted CA issued, with Vault\'s metadata and alias', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert, token_policies: 'web', token_ttl: 600, display_name: 'web-clients' });
    const auth = await login(t, presenting(alice));
    assert.deepEqual(auth.policies, ['web']);
    assert.equal(auth.ttl, 600);
    assert.equal(auth.displayName, 'web-clients');
    assert.equal(auth.renewable, true);
    assert.deepEqual(auth.alias, { name: 'alice' });
    assert.equal(auth.metadata['cert_name'], 'web');
    assert.equal(auth.metadata['common_name'], 'alice');
    assert.equal(auth.metadata['serial_number'], alice.serial);
    assert.match(auth.metadata['subject_key_id']!, /^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    assert.match(auth.metadata['authority_key_id']!, /^[0-9a-f]{2}(:[0-9a-f]{2})+$/);
    assert.notEqual(auth.metadata['subject_key_id'], auth.metadata['authority_key_id']);
  });

  it('refuses a certificate from another CA, and a request without a certificate', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert });
    await rejects(t.write('login', {}, presenting(stranger)), 'invalid_request', 'invalid certificate or no client certificate supplied');
    await rejects(t.write('login', {}, { connection: { remoteAddress: '127.0.0.1' } }), 'invalid_request', 'client certificate must be supplied');
    await rejects(t.write('login', {}), 'invalid_request', 'tls connection required');
  });

  it('follows intermediates the client sends, and trusts an intermediate CA entry directly', async () => {
    const t = await mount();
    await t.write('certs/root', { certificate: root.cert });
    assert.equal((await login(t, presenting(viaIntermediate, intermediate))).metadata['cert_name'], 'root');
    await rejects(t.write('login', {}, presenting(viaIntermediate)), 'invalid_request', 'invalid certificate or no client certificate supplied');

    const t2 = await mount();
    await t2.write('certs/inter', { certificate: intermediate.cert });
    assert.equal((await login(t2, presenting(viaIntermediate))).metadata['cert_name'], 'inter');
    await rejects(t2.write('login', {}, presenting(alice)), 'invalid_request', 'invalid certificate or no client certificate supplied');
  });

  it('trusts a single (non-CA) client certificate as itself', async () => {
    const t = await mount();
    await t.write('certs/only-alice', { certificate: alice.cert });
    assert.equal((await login(t, presenting(alice))).metadata['cert_name'], 'only-alice');
    await rejects(t.write('login', {}, presenting(bob)), 'invalid_request', 'invalid certificate or no client certificate supplied');
  });

  it('checks validity dates and the client-auth key usage of the chain', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert });
    clock = new Date(Date.now() + 2 * 3_600_000);
    await rejects(t.write('login', {}, presenting(alice)), 'invalid_request', /expired or is not yet valid/);
    clock = new Date();
    const serverOnly = await issue({ subject: 'CN=server', extendedKeyUsages: ['1.3.6.1.5.5.7.3.1'] }, root);
    await rejects(t.write('login', {}, presenting(serverOnly)), 'invalid_request', /incompatible key usage/);
  });

  it('with "name", tries only that trusted certificate', async () => {
    const t = await mount();
    await t.write('certs/a', { certificate: root.cert, token_policies: 'a' });
    await t.write('certs/b', { certificate: otherRoot.cert, token_policies: 'b' });
    assert.deepEqual((await login(t, presenting(stranger))).policies, ['b']);
    assert.deepEqual((await login(t, presenting(alice), { name: 'a' })).policies, ['a']);
    await rejects(t.write('login', { name: 'b' }, presenting(alice)), 'invalid_request', 'invalid certificate or no client certificate supplied');
    await rejects(t.write('login', { name: 'missing' }, presenting(alice)), 'invalid_request', 'invalid certificate or no client certificate supplied');
  });

  it('applies the allowed_* globs and required_extensions', async () => {
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{ allowed_common_names: 'al*' }, true],
      [{ allowed_common_names: 'bob' }, false],
      [{ allowed_names: '*.example.com' }, true],
      [{ allowed_names: 'alice@example.com' }, true],
      [{ allowed_names: 'carol' }, false],
      [{ allowed_dns_sans: 'alice.example.*' }, true],
      [{ allowed_dns_sans: '*.example.org' }, false],
      [{ allowed_email_sans: '*@example.com' }, true],
      [{ allowed_email_sans: '*@example.org' }, false],
      [{ allowed_uri_sans: 'spiffe://example.com/*' }, true],
      [{ allowed_uri_sans: 'spiffe://other/*' }, false],
      [{ allowed_organizational_units: 'eng*' }, true],
      [{ allowed_organizational_units: 'sales' }, false],
      [{ required_extensions: '1.2.3.4.5:team-*' }, true],
      [{ required_extensions: '1.2.3.4.5:team-red' }, false],
      [{ required_extensions: '1.2.3.4.6:*' }, false],
    ];
    for (const [constraint, allowed] of cases) {
      const t = await mount();
      await t.write('certs/web', { certificate: root.cert, ...constraint });
      const attempt = t.write('login', {}, presenting(alice));
      if (allowed) assert.ok((await attempt)?.auth, JSON.stringify(constraint));
      else await rejects(attempt, 'invalid_request', 'no chain matching all constraints could be found for this login certificate');
    }
  });

  it('refuses certificates revoked by a stored CRL, and lets them in again once the CRL is deleted', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert });
    await t.write('crls/Root-A', { crl: await createCrl(root, [alice]) });
    assert.deepEqual((await t.read('crls/root-a'))!.data, { cdp: null, serials: { [alice.serial]: {} } });
    assert.deepEqual((await t.list('crls/'))!.data!['keys'], ['root-a']);
    await rejects(t.write('login', {}, presenting(alice)), 'invalid_request', 'no chain matching all constraints could be found for this login certificate');
    assert.ok((await t.write('login', {}, presenting(bob)))?.auth, 'a certificate the CRL does not list still logs in');

    await t.delete('crls/root-a');
    assert.ok((await t.write('login', {}, presenting(alice)))?.auth);
    await rejects(t.delete('crls/root-a'), 'invalid_request', 'no such CRL root-a');
    await rejects(t.read('crls/root-a'), 'invalid_request', 'no such CRL root-a');
    await rejects(t.write('crls/bad', { crl: 'garbage' }), 'invalid_request', /failed to parse CRL/);
    await rejects(t.write('crls/bad', {}), 'invalid_request', "one of 'crl' or 'url' must be provided");
  });

  it('keeps the CRLs between logins and reads them again when another node changes one (invalidateKey)', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert });
    assert.ok((await t.write('login', {}, presenting(alice)))?.auth);
    // Written below the backend, as another node sharing the storage would.
    await t.storage.put({ key: 'crls/elsewhere', value: Buffer.from(JSON.stringify({ cdp: null, serials: { [alice.serial]: {} } })) });
    assert.ok((await t.write('login', {}, presenting(alice)))?.auth, 'not seen before the invalidation');
    await t.backend.invalidateKey('crls/elsewhere');
    await rejects(t.write('login', {}, presenting(alice)), 'invalid_request', /no chain matching all constraints/);
  });

  it('refuses a client outside token_bound_cidrs with 403', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert, token_bound_cidrs: '10.0.0.0/8' });
    await rejects(t.write('login', {}, presenting(alice)), 'permission_denied');
    const inside = { connection: { remoteAddress: '10.1.2.3', peerCertificates: [alice.cert] } };
    assert.ok((await t.write('login', {}, inside))?.auth);
  });

  it('with ocsp_enabled and no responder to ask (no AIA, no override), fails closed unless ocsp_fail_open', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert, ocsp_enabled: true });
    await rejects(t.write('login', {}, presenting(alice)), 'invalid_request', 'no chain matching all constraints could be found for this login certificate');
    await t.write('certs/web', { ocsp_fail_open: true });
    assert.ok((await t.write('login', {}, presenting(alice)))?.auth);
  });

  it('puts the metadata on the alias with enable_identity_alias_metadata, and answers alias lookahead and resolve-role', async () => {
    const t = await mount();
    assert.deepEqual((await t.read('config'))!.data, { disable_binding: false, enable_identity_alias_metadata: false, ocsp_cache_size: 100 });
    await t.write('certs/web', { certificate: root.cert, allowed_metadata_extensions: '1.2.3.4.5' });
    await t.write('config', { enable_identity_alias_metadata: true });
    const auth = await login(t, presenting(alice));
    assert.equal(auth.metadata['1-2-3-4-5'], 'team-blue');
    assert.deepEqual(auth.alias?.metadata, auth.metadata);
    await rejects(t.write('config', { ocsp_cache_size: 1 }), 'invalid_request', /cache size/);

    assert.deepEqual((await t.request('alias-lookahead', 'login', {}, presenting(bob)))?.auth?.alias, { name: 'bob' });
    assert.deepEqual((await t.request('resolve-role', 'login', {}, presenting(bob)))?.data, { role: 'web' });
    await rejects(t.request('resolve-role', 'login', {}, presenting(stranger)), 'invalid_request');
  });
});

describe('cert auth: renewal', () => {
  const renew = (t: TestBackend, auth: Auth, extra: Partial<Request> = {}) => t.request('renew', '', {}, { auth, ...extra });

  it('renews when the same certificate is presented and still trusted, with the entry\'s current TTLs', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert, token_policies: 'web', token_ttl: 100 });
    const auth = await login(t, presenting(alice));
    // The core adds "default" to the token; that must not count as a change.
    const issued = { ...auth, policies: ['default', 'web'] };
    await t.write('certs/web', { token_ttl: 300, token_max_ttl: 900 });
    const renewed = await renew(t, issued, presenting(alice));
    assert.equal(renewed?.auth?.ttl, 300);
    assert.equal(renewed?.auth?.maxTtl, 900);

    await rejects(renew(t, issued, presenting(bob)), 'invalid_request', 'client identity during renewal not matching client identity used during login');
    await rejects(renew(t, issued, { connection: { remoteAddress: '127.0.0.1' } }), 'invalid_request', 'client certificate must be supplied');
    await t.write('crls/root', { crl: await createCrl(root, [alice]) });
    await rejects(renew(t, issued, presenting(alice)), 'invalid_request', /no chain matching all constraints/);
  });

  it('with disable_binding renews without a certificate; refuses once the entry is gone or its policies changed', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert, token_policies: 'web' });
    const auth = await login(t, presenting(alice));
    await t.write('config', { disable_binding: true });
    assert.ok((await renew(t, auth))?.auth);
    await t.write('certs/web', { token_policies: 'other' });
    await rejects(renew(t, auth), 'invalid_request', 'policies have changed, not renewing');
    await t.delete('certs/web');
    await rejects(renew(t, auth), 'invalid_request', /no longer exists/);
  });

  it('tells apart certificates without a subject key identifier by serial number', async () => {
    const t = await mount();
    await t.write('certs/web', { certificate: root.cert });
    const first = await issue({ subject: 'CN=nokid', noSubjectKeyId: true }, root);
    const second = await issue({ subject: 'CN=nokid', noSubjectKeyId: true }, root);
    const auth = await login(t, presenting(first));
    assert.equal(auth.metadata['subject_key_id'], '');
    assert.ok((await renew(t, auth, presenting(first)))?.auth);
    await rejects(renew(t, auth, presenting(second)), 'invalid_request', /client identity/);
  });
});
