// Issue 7, items 11 and 12: PGP-encrypted key shares (sys/init pgp_keys and
// root_token_pgp_key, rekey pgp_keys with backup, generate-root pgp_key),
// sys/rekey/backup, and the rekey verification flow — decrypted with
// Debian's gpg as an operator would.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { gpgUnavailable, ThrowawayGnupg } from '../support/gnupg.js';

const unavailable = gpgUnavailable();
// Skipped without gpg, except under CI, where a missing tool must fail the run.
const skip = unavailable !== undefined && process.env['CI'] !== 'true' ? `${unavailable}; skipping` : false;

describe('issue 7 items 11-12: PGP key shares, rekey backup and verification', { skip }, () => {
  let gpg: ThrowawayGnupg;
  let s: InProcessServer;
  const keys: { publicKeyBase64: string; email: string }[] = [];
  let shares: string[] = [];
  let root = '';

  const unseal = async (sharesToGive: string[]): Promise<void> => {
    for (const key of sharesToGive) {
      const res = await s.request('PUT', 'sys/unseal', { key }, { token: null });
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    assert.equal((await s.request('GET', 'sys/seal-status', undefined, { token: null })).body.sealed, false);
  };

  before(async () => {
    gpg = new ThrowawayGnupg();
    for (const name of ['alice', 'bob', 'carol']) keys.push(await gpg.newKey(name));
    s = await startInProcessServer({ dev: false });
  });
  after(async () => {
    await s?.close();
    await gpg?.close();
  });

  it('sys/init with pgp_keys and root_token_pgp_key: gpg --decrypt recovers the shares and the root token', async () => {
    const init = await s.request('PUT', 'sys/init', {
      secret_shares: 3,
      secret_threshold: 2,
      pgp_keys: keys.map((k) => k.publicKeyBase64),
      root_token_pgp_key: keys[0]!.publicKeyBase64,
    }, { token: null });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    assert.equal(init.body.keys_base64.length, 3);
    assert.equal(Buffer.from(init.body.keys[0], 'hex').toString('base64'), init.body.keys_base64[0], 'keys is the hex of the same PGP message');
    shares = await Promise.all(init.body.keys_base64.map((k: string) => gpg.decryptBase64(k)));
    for (const share of shares) assert.match(share, /^[0-9a-f]{66}$/, 'each decrypted share is the hex of a 33-byte share');
    root = await gpg.decryptBase64(init.body.root_token);
    assert.match(root, /^hvs\./);
    await unseal(shares.slice(1));
    s.rootToken = root;
    assert.equal((await s.request('GET', 'sys/mounts')).status, 200, 'the decrypted root token works');
  });

  it('sys/init refuses a wrong number of PGP keys or a key that is not one, before writing anything', async () => {
    const other = await startInProcessServer({ dev: false });
    try {
      const few = await other.request('PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2, pgp_keys: [keys[0]!.publicKeyBase64] }, { token: null });
      assert.equal(few.status, 400);
      assert.match(few.body.errors[0], /PGP keys/);
      const junk = await other.request('PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1, pgp_keys: ['bm90IGEga2V5'] }, { token: null });
      assert.equal(junk.status, 400);
      assert.match(junk.body.errors[0], /PGP key 1/);
      assert.equal((await other.request('GET', 'sys/init', undefined, { token: null })).body.initialized, false);
    } finally {
      await other.close();
    }
  });

  it('item 11: sys/rekey/backup and the recovery-key backup answer 400 when there is none', async () => {
    for (const path of ['sys/rekey/backup', 'sys/rekey-recovery-key/backup', 'sys/rekey/recovery-key-backup']) {
      const res = await s.request('GET', path);
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.deepEqual(res.body.errors, ['no backed-up keys found']);
      assert.equal((await s.request('DELETE', path)).status, 204);
    }
  });

  it('item 11: the backup needs sudo', async () => {
    assert.equal((await s.request('PUT', 'sys/policies/acl/reader', { policy: 'path "sys/rekey/backup" { capabilities = ["read", "delete"] }' })).status, 204);
    const token = (await s.request('POST', 'auth/token/create', { policies: ['reader'] })).body.auth.client_token;
    assert.equal((await s.request('GET', 'sys/rekey/backup', undefined, { token })).status, 403);
  });

  let newShares: string[] = [];
  it('item 12: rekey with pgp_keys, backup and require_verification', async () => {
    const init = await s.request('PUT', 'sys/rekey/init', {
      secret_shares: 2,
      secret_threshold: 2,
      pgp_keys: [keys[1]!.publicKeyBase64, keys[2]!.publicKeyBase64],
      backup: true,
      require_verification: true,
    }, { token: null });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    assert.equal(init.body.verification_required, true);
    assert.equal(init.body.backup, true);
    assert.equal(init.body.pgp_fingerprints.length, 2);
    const nonce = init.body.nonce as string;

    assert.equal((await s.request('PUT', 'sys/rekey/update', { key: shares[0], nonce }, { token: null })).body.progress, 1);
    const done = await s.request('PUT', 'sys/rekey/update', { key: shares[2], nonce }, { token: null });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.complete, true);
    assert.equal(done.body.verification_required, true);
    assert.match(done.body.verification_nonce, /^[0-9a-f-]{36}$/);
    assert.deepEqual(done.body.pgp_fingerprints, init.body.pgp_fingerprints);
    newShares = [await gpg.decryptBase64(done.body.keys_base64[0]), await gpg.decryptBase64(done.body.keys_base64[1])];

    // The backup holds the same encrypted shares, by fingerprint.
    const backup = await s.request('GET', 'sys/rekey/backup');
    assert.equal(backup.status, 200, JSON.stringify(backup.body));
    assert.equal(backup.body.data.nonce, nonce);
    const [fp1, fp2] = init.body.pgp_fingerprints as string[];
    assert.deepEqual(backup.body.data.keys[fp1!], [done.body.keys[0]]);
    assert.deepEqual(backup.body.data.keys_base64[fp2!], [done.body.keys_base64[1]]);
    assert.equal(await gpg.decryptBase64(backup.body.data.keys_base64[fp2!][0]), newShares[1]);

    // Until verified, the old shares still unseal and the new ones do not.
    const status = await s.request('GET', 'sys/rekey/init', undefined, { token: null });
    assert.equal(status.body.verification_nonce, done.body.verification_nonce);
    const verify = await s.request('GET', 'sys/rekey/verify', undefined, { token: null });
    assert.deepEqual(verify.body, { nonce: done.body.verification_nonce, started: true, t: 2, n: 2, progress: 0 });
    const again = await s.request('PUT', 'sys/rekey/update', { key: shares[1], nonce }, { token: null });
    assert.equal(again.status, 400, 'no more current shares once the new keys exist');

    // A wrong nonce, then DELETE restarts verification with a new nonce.
    assert.equal((await s.request('PUT', 'sys/rekey/verify', { key: newShares[0], nonce: 'wrong' }, { token: null })).status, 400);
    assert.equal((await s.request('PUT', 'sys/rekey/verify', { key: newShares[0], nonce: verify.body.nonce }, { token: null })).body.progress, 1);
    const restarted = await s.request('DELETE', 'sys/rekey/verify', undefined, { token: null });
    assert.equal(restarted.status, 200);
    assert.equal(restarted.body.progress, 0);
    assert.notEqual(restarted.body.nonce, verify.body.nonce);
    // Wrong shares (the current ones) fail verification and reset its progress.
    await s.request('PUT', 'sys/rekey/verify', { key: shares[0], nonce: restarted.body.nonce }, { token: null });
    const wrong = await s.request('PUT', 'sys/rekey/verify', { key: shares[1], nonce: restarted.body.nonce }, { token: null });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.match(wrong.body.errors[0], /verification failed/);

    assert.equal((await s.request('PUT', 'sys/rekey/verify', { key: newShares[0], nonce: restarted.body.nonce }, { token: null })).body.progress, 1);
    const verified = await s.request('PUT', 'sys/rekey/verify', { key: newShares[1], nonce: restarted.body.nonce }, { token: null });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.deepEqual(verified.body, { nonce: restarted.body.nonce, complete: true });
    assert.equal((await s.request('GET', 'sys/rekey/init', undefined, { token: null })).body.started, false);
  });

  it('item 12: after verification only the new shares unseal', async () => {
    await s.core.seal.seal();
    const old = await s.request('PUT', 'sys/unseal', { key: shares[0] }, { token: null });
    await s.request('PUT', 'sys/unseal', { key: shares[1] }, { token: null });
    assert.equal((await s.request('GET', 'sys/seal-status', undefined, { token: null })).body.sealed, true, `old shares: ${JSON.stringify(old.body)}`);
    await s.request('PUT', 'sys/unseal', { reset: true }, { token: null });
    await unseal(newShares);
  });

  it('item 11: DELETE sys/rekey/backup removes the backup', async () => {
    assert.equal((await s.request('DELETE', 'sys/rekey/backup')).status, 204);
    assert.equal((await s.request('GET', 'sys/rekey/backup')).status, 400);
  });

  it('item 12: generate-root with pgp_key returns the token encrypted to that key', async () => {
    const attempt = await s.request('PUT', 'sys/generate-root/attempt', { pgp_key: keys[2]!.publicKeyBase64 }, { token: null });
    assert.equal(attempt.status, 200, JSON.stringify(attempt.body));
    assert.match(attempt.body.pgp_fingerprint, /^[0-9a-f]{40}$/);
    assert.equal(attempt.body.otp, '');
    let last = attempt.body;
    for (const key of newShares) {
      last = (await s.request('PUT', 'sys/generate-root/update', { key, nonce: attempt.body.nonce }, { token: null })).body;
    }
    assert.equal(last.complete, true, JSON.stringify(last));
    assert.equal(last.pgp_fingerprint, attempt.body.pgp_fingerprint);
    const token = await gpg.decryptBase64(last.encoded_token);
    assert.match(token, /^hvs\./);
    assert.equal((await s.request('GET', 'auth/token/lookup-self', undefined, { token })).body.data.policies[0], 'root');
    const both = await s.request('PUT', 'sys/generate-root/attempt', { pgp_key: keys[2]!.publicKeyBase64, otp: 'x'.repeat(28) }, { token: null });
    assert.equal(both.status, 400);
  });

  it('item 12: a rekey without verification installs the PGP-encrypted keys at once', async () => {
    const init = await s.request('PUT', 'sys/rekey/init', { secret_shares: 1, secret_threshold: 1, pgp_keys: [keys[0]!.publicKeyBase64] }, { token: null });
    assert.equal(init.status, 200, JSON.stringify(init.body));
    await s.request('PUT', 'sys/rekey/update', { key: newShares[0], nonce: init.body.nonce }, { token: null });
    const done = await s.request('PUT', 'sys/rekey/update', { key: newShares[1], nonce: init.body.nonce }, { token: null });
    assert.equal(done.body.complete, true, JSON.stringify(done.body));
    assert.equal(done.body.verification_required, false);
    const single = await gpg.decryptBase64(done.body.keys_base64[0]);
    await s.core.seal.seal();
    await unseal([single]);
  });
});
