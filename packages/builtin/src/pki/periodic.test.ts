// The periodic function, driven with an injected clock: CRLs are rebuilt when they near
// their nextUpdate (auto_rebuild), and auto-tidy removes certificates past expiry + safety_buffer.
import './reflect-polyfill.js';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Crl } from '@peculiar/x509';
import { staticSystemView, type Response } from '@coffer/sdk';
import { createTestBackend } from '@coffer/sdk/testing/index.js';
import { createPkiBackend } from './backend.js';

const HOUR = 3600_000;

async function crlOf(read: (path: string) => Promise<Response | null>): Promise<X509Crl> {
  const res = await read('crl');
  return new X509Crl(res!.data!['http_raw_body'] as Buffer);
}

describe('pki periodic function', () => {
  test('auto_rebuild refreshes the CRL within the grace period; auto-tidy removes expired certificates', async () => {
    let clock = new Date(Math.floor(Date.now() / 1000) * 1000);
    const tb = await createTestBackend(async (conf) => createPkiBackend(conf, { now: () => clock }), { system: staticSystemView({ defaultLeaseTtl: 24 * 3600, maxLeaseTtl: 3650 * 24 * 3600 }) });
    await tb.write('root/generate/internal', { common_name: 'Periodic Root', key_type: 'ec', ttl: '8760h' });
    await tb.write('roles/short', { allow_any_name: true, key_type: 'ec', ttl: '1h', not_before_duration: 0 });
    const a = (await tb.write('issue/short', { common_name: 'a.test' }))!.data!;
    const b = (await tb.write('issue/short', { common_name: 'b.test' }))!.data!;
    await tb.write('revoke', { serial_number: b['serial_number'] });
    await tb.write('config/crl', { auto_rebuild: true, expiry: '48h', auto_rebuild_grace_period: '12h' });
    const first = await crlOf((p) => tb.read(p));
    assert.equal(first.thisUpdate.getTime(), clock.getTime());

    // 30 hours later the CRL still has 18 hours left: nothing to do.
    clock = new Date(clock.getTime() + 30 * HOUR);
    await tb.request('rollback', '');
    assert.equal((await crlOf((p) => tb.read(p))).thisUpdate.getTime(), first.thisUpdate.getTime());
    // 40 hours: within the 12 hour grace period, so it is rebuilt.
    clock = new Date(first.thisUpdate.getTime() + 40 * HOUR);
    await tb.request('rollback', '');
    const rebuilt = await crlOf((p) => tb.read(p));
    assert.equal(rebuilt.thisUpdate.getTime(), clock.getTime());
    assert.ok(rebuilt.findRevoked(String(b['serial_number']).replace(/:/g, '')), 'the revoked certificate stays on the rebuilt CRL');

    // Both certificates expired 39 hours ago: auto-tidy with a 1 hour safety buffer removes them.
    await tb.write('config/auto-tidy', { enabled: true, tidy_cert_store: true, tidy_revoked_certs: true, safety_buffer: '1h', interval_duration: '1h' });
    await tb.request('rollback', '');
    for (let i = 0; i < 100 && (await tb.read('tidy-status'))!.data!['state'] === 'Running'; i++) await new Promise((r) => setTimeout(r, 10));
    const status = (await tb.read('tidy-status'))!.data!;
    assert.equal(status['state'], 'Finished');
    const certs = ((await tb.list('certs/'))!.data!['keys'] as string[]);
    assert.ok(!certs.includes(String(a['serial_number'])) && !certs.includes(String(b['serial_number'])), `expired certificates left: ${certs.join(', ')}`);
    assert.deepEqual((await tb.list('certs/revoked/'))!.data!['keys'], []);
    assert.equal(status['revoked_cert_deleted_count'], 1);
    // The CRL no longer lists the tidied revocation.
    assert.equal((await crlOf((p) => tb.read(p))).findRevoked(String(b['serial_number']).replace(/:/g, '')), null);
  });
});
