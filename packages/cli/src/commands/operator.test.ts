import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/fake-io.js';
import { FakeVault } from '../testing/fake-vault.js';

const sealed = {
  type: 'shamir',
  initialized: true,
  sealed: true,
  t: 3,
  n: 5,
  progress: 1,
  nonce: 'nonce-1',
  version: '0.1.0',
  build_date: '',
  migration: false,
  recovery_seal: false,
  storage_type: 'inmem',
};
const unsealed = { ...sealed, sealed: false, progress: 0, nonce: '', cluster_name: 'coffer-cluster', cluster_id: 'cid' };

describe('status and operator commands', () => {
  const vault = new FakeVault();
  before(() => vault.start());
  after(() => vault.stop());

  it('status exits 2 when sealed and shows unseal progress', async () => {
    vault.on('GET', 'sys/seal-status', { body: sealed });
    vault.on('GET', 'sys/leader', { status: 503, body: { errors: ['Vault is sealed'] } });
    const r = await runCli(['status'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(
      r.stdout,
      [
        'Key                Value',
        '---                -----',
        'Seal Type          shamir',
        'Initialized        true',
        'Sealed             true',
        'Total Shares       5',
        'Threshold          3',
        'Unseal Progress    1/3',
        'Unseal Nonce       nonce-1',
        'Version            0.1.0',
        'Build Date         n/a',
        'Storage Type       inmem',
        'HA Enabled         true',
        '',
      ].join('\n'),
    );
  });

  it('status exits 0 when unsealed; JSON includes ha_enabled', async () => {
    vault.on('GET', 'sys/seal-status', { body: unsealed });
    vault.on('GET', 'sys/leader', { body: { ha_enabled: false, is_self: false, leader_address: '' } });
    let r = await runCli(['status'], { env: vault.env() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Cluster Name\s+coffer-cluster$/m);
    assert.match(r.stdout, /^HA Enabled\s+false$/m);
    r = await runCli(['status', '-format=json'], { env: vault.env() });
    const json = JSON.parse(r.stdout);
    assert.equal(json.sealed, false);
    assert.equal(json.ha_enabled, false);
    assert.deepEqual(Object.keys(json).slice(0, 3), ['type', 'initialized', 'sealed']);
  });

  it('status reports connection errors with exit 1', async () => {
    const r = await runCli(['status'], { env: { VAULT_ADDR: 'http://127.0.0.1:1' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error checking seal status: Get "http:\/\/127\.0\.0\.1:1\/v1\/sys\/seal-status": dial tcp/);
  });

  it('operator init sends shares/threshold and prints keys and the root token', async () => {
    vault.on('GET', 'sys/seal-status', { body: { ...sealed, initialized: false } });
    vault.on('PUT', 'sys/init', { body: { keys: ['aa', 'bb', 'cc'], keys_base64: ['qg==', 'uw==', 'zA=='], root_token: 'hvs.root' } });
    const r = await runCli(['operator', 'init', '-key-shares=3', '-key-threshold=2'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    const body = vault.last().body as Record<string, unknown>;
    assert.equal(body.secret_shares, 3);
    assert.equal(body.secret_threshold, 2);
    assert.ok(r.stdout.startsWith('Unseal Key 1: qg==\nUnseal Key 2: uw==\nUnseal Key 3: zA==\n\nInitial Root Token: hvs.root\n\n'));
    assert.match(r.stdout, /Coffer initialized with 3 key shares and a key threshold of 2\./);
  });

  it('operator init -format=json prints the machine-readable form', async () => {
    const r = await runCli(['operator', 'init', '-format=json'], { env: vault.env() });
    const json = JSON.parse(r.stdout);
    assert.deepEqual(json.unseal_keys_b64, ['qg==', 'uw==', 'zA==']);
    assert.equal(json.unseal_shares, 5);
    assert.equal(json.root_token, 'hvs.root');
  });

  it('operator init -status exits 0 when initialized, 2 when not', async () => {
    vault.on('GET', 'sys/init', { body: { initialized: false } });
    const r = await runCli(['operator', 'init', '-status'], { env: vault.env() });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, 'Coffer is not initialized\n');
  });

  it('operator unseal takes the key from the argument or prompts for it', async () => {
    vault.on('PUT', 'sys/unseal', { body: unsealed });
    vault.on('GET', 'sys/leader', { body: { ha_enabled: false } });
    let r = await runCli(['operator', 'unseal', 'key-1'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.requests.find((q) => q.path === '/v1/sys/unseal')?.body, { key: 'key-1' });
    r = await runCli(['operator', 'unseal'], { env: vault.env(), stdin: 'key-2\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'Unseal Key (will be hidden): \n');
    assert.deepEqual(vault.requests.filter((q) => q.path === '/v1/sys/unseal').at(-1)?.body, { key: 'key-2' });
    r = await runCli(['operator', 'unseal', '-reset'], { env: vault.env() });
    assert.deepEqual(vault.requests.filter((q) => q.path === '/v1/sys/unseal').at(-1)?.body, { reset: true });
  });

  it('operator seal, key-status and rotate', async () => {
    vault.on('PUT', 'sys/seal', { status: 204 });
    let r = await runCli(['operator', 'seal'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Coffer is sealed.\n');
    vault.on('GET', 'sys/key-status', { body: { term: 2, install_time: '2024-05-01T10:11:12Z', encryptions: 7 } });
    vault.on('PUT', 'sys/rotate', { status: 204 });
    r = await runCli(['operator', 'rotate'], { env: vault.env() });
    assert.equal(r.stdout, 'Success! Rotated key\n\nKey Term            2\nInstall Time        01 May 24 10:11 UTC\nEncryption Count    7\n');
  });

  it('operator rekey -init and providing a key', async () => {
    vault.on('PUT', 'sys/rekey/init', { body: { nonce: 'rn', started: true, t: 2, n: 3, progress: 0, required: 3, verification_required: false } });
    let r = await runCli(['operator', 'rekey', '-init', '-key-shares=3', '-key-threshold=2'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().body, { secret_shares: 3, secret_threshold: 2, pgp_keys: [], backup: false, require_verification: false });
    assert.match(r.stdout, /^Rekey Progress\s+0\/3$/m);
    vault.on('GET', 'sys/rekey/init', { body: { nonce: 'rn', started: true, t: 2, n: 3, progress: 2, required: 3 } });
    vault.on('PUT', 'sys/rekey/update', { body: { nonce: 'rn', complete: true, keys: ['k1', 'k2', 'k3'], keys_base64: ['a', 'b', 'c'] } });
    r = await runCli(['operator', 'rekey', '-nonce=rn', 'old-key'], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(vault.last().body, { key: 'old-key', nonce: 'rn' });
    assert.match(r.stdout, /^Key 1: a$/m);
    assert.match(r.stdout, /^Operation nonce: rn$/m);
  });

  it('operator generate-root: -init, -generate-otp and -decode', async () => {
    vault.on('GET', 'sys/generate-root/attempt', { body: { nonce: '', started: false, progress: 0, required: 3, complete: false, otp_length: 8 } });
    let r = await runCli(['operator', 'generate-root', '-generate-otp'], { env: vault.env() });
    assert.match(r.stdout, /^[0-9A-Za-z]{8}$/);
    vault.on('PUT', 'sys/generate-root/attempt', { body: { nonce: 'gn', started: true, progress: 0, required: 3, complete: false, otp_length: 8 } });
    r = await runCli(['operator', 'generate-root', '-init', '-otp=abcdefgh'], { env: vault.env() });
    assert.deepEqual(vault.last().body, { otp: 'abcdefgh', pgp_key: '' });
    assert.match(r.stdout, /^Nonce\s+gn$/m);
    const otp = 'abcdefgh';
    const token = 'hvs.root';
    const encoded = Buffer.from([...token].map((c, i) => c.charCodeAt(0) ^ otp.charCodeAt(i))).toString('base64');
    r = await runCli(['operator', 'generate-root', `-decode=${encoded}`, `-otp=${otp}`], { env: vault.env() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, token);
  });
});
