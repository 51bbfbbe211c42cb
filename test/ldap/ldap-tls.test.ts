// The ldap auth method over TLS against a real OpenLDAP (slapd) with a
// self-signed certificate: ldaps:// and StartTLS verified with the
// configured CA certificate, refused without it, and insecure_tls.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ldapFactory } from '@coffer/builtin';
import { createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { GROUPS, PEOPLE, SEED, skipWithoutSlapd, startSlapdInstance, type SlapdInstance } from '../support/slapd-instance.js';

describe('ldap auth method over TLS', { skip: skipWithoutSlapd() }, () => {
  let slapd: SlapdInstance;

  before(async () => {
    slapd = await startSlapdInstance({ tls: true });
  });
  after(async () => {
    await slapd?.destroy();
  });

  async function mounted(config: Record<string, unknown>): Promise<TestBackend> {
    const t = await createTestBackend(ldapFactory, { mountPoint: 'auth/ldap/', mountType: 'ldap' });
    await t.write('config', { binddn: SEED.reader.dn, bindpass: SEED.reader.password, userdn: PEOPLE, userattr: 'uid', groupdn: GROUPS, ...config });
    return t;
  }

  const loginError = (t: TestBackend): Promise<string> =>
    t.write('login/alice', { password: 'alice-pw' }).then(
      () => 'the login succeeded',
      (err: Error) => err.message,
    );

  it('logs in over ldaps:// when the certificate is trusted, and refuses an unknown one', async () => {
    const trusted = await mounted({ url: slapd.ldapsUrl, certificate: slapd.certificate });
    assert.equal((await trusted.write('login/alice', { password: 'alice-pw' }))?.auth?.alias?.name, 'alice');

    const untrusted = await mounted({ url: slapd.ldapsUrl });
    assert.match(await loginError(untrusted), /^ldap operation failed: the LDAP server is unreachable \(ldaps:\/\/127\.0\.0\.1:\d+: .*(self.signed|certificate)/i);
  });

  it('upgrades ldap:// with StartTLS and verifies the server the same way', async () => {
    const trusted = await mounted({ url: slapd.url, starttls: true, certificate: slapd.certificate });
    assert.equal((await trusted.write('login/bob', { password: 'bob-pw' }))?.auth?.alias?.name, 'bob');

    const untrusted = await mounted({ url: slapd.url, starttls: true });
    assert.match(await loginError(untrusted), /StartTLS failed: .*(self.signed|certificate)/i);
  });

  it('accepts any certificate with insecure_tls', async () => {
    const t = await mounted({ url: slapd.ldapsUrl, insecure_tls: true });
    assert.equal((await t.write('login/alice', { password: 'alice-pw' }))?.auth?.alias?.name, 'alice');
  });

  it('fails over from a server with an untrusted certificate to the next URL', async () => {
    const t = await mounted({ url: `${slapd.ldapsUrl},${slapd.url}` });
    assert.equal((await t.write('login/alice', { password: 'alice-pw' }))?.auth?.alias?.name, 'alice');
  });
});
