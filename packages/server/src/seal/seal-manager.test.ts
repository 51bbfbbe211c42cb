import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CofferError, collectKeys } from '@coffer/sdk';
import { KEYRING_PATH, SEAL_CONFIG_PATH } from '../barrier/paths.js';
import { decodeRootToken } from './root-token-otp.js';
import { fakeRootToken, harness, unsealWith } from './test-support.js';
import type { RekeyResult } from './types.js';

function coded(code: string, pattern?: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof CofferError, `expected a CofferError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  };
}

function combinations<T>(items: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [first, ...rest] = items;
  return [...combinations(rest, k - 1).map((c) => [first!, ...c]), ...combinations(rest, k)];
}

test('seal-status before init', async () => {
  const { manager } = harness();
  assert.deepEqual(await manager.status(), {
    type: 'shamir',
    initialized: false,
    sealed: true,
    t: 0,
    n: 0,
    progress: 0,
    nonce: '',
    version: '1.2.3',
    build_date: '2024-01-01T00:00:00Z',
    migration: false,
    recovery_seal: false,
    storage_type: 'inmem',
  });
  assert.equal(await manager.initialized(), false);
});

test('init validates the configuration exactly as Vault', async () => {
  const { manager } = harness();
  const cases: [number, number, string][] = [
    [0, 0, 'shares must be at least one'],
    [3, 0, 'threshold must be at least one'],
    [3, 1, 'threshold must be greater than one for multiple shares'],
    [256, 3, 'shares must be less than 256'],
    [3, 4, 'threshold cannot be larger than shares'],
  ];
  for (const [shares, threshold, message] of cases) {
    await assert.rejects(
      manager.init({ secret_shares: shares, secret_threshold: threshold }),
      (err: unknown) => err instanceof CofferError && err.status === 400 && err.message === `invalid seal configuration: ${message}`,
    );
  }
  await assert.rejects(manager.init({ secret_shares: 3, secret_threshold: 2, pgp_keys: ['a', 'b', 'c'] }), coded('invalid_request', /PGP/));
  await assert.rejects(manager.init({ secret_shares: 1, secret_threshold: 1, root_token_pgp_key: 'x' }), coded('invalid_request', /PGP/));
  await assert.rejects(manager.init({ secret_shares: 1, secret_threshold: 1, recovery_shares: 2 }), coded('invalid_request', /not applicable/));
  assert.equal(await manager.initialized(), false);
});

test('init returns hex and base64 shares and a root token, and leaves Vault sealed', async () => {
  const h = harness();
  const result = await h.manager.init({ secret_shares: 5, secret_threshold: 3 });
  assert.equal(result.keys.length, 5);
  assert.equal(result.keys_base64.length, 5);
  for (let i = 0; i < 5; i++) {
    assert.match(result.keys[i]!, /^[0-9a-f]{66}$/);
    assert.equal(Buffer.from(result.keys_base64[i]!, 'base64').toString('hex'), result.keys[i]);
  }
  assert.equal(new Set(result.keys).size, 5);
  assert.equal(result.root_token, h.tokens[0]);
  assert.deepEqual(h.events, ['unsealed', 'root-token', 'sealing']);

  const status = await h.manager.status();
  assert.equal(status.initialized, true);
  assert.equal(status.sealed, true);
  assert.equal(status.t, 3);
  assert.equal(status.n, 5);
  assert.equal(status.cluster_name, undefined);
  assert.equal(h.barrier.sealed, true);

  await assert.rejects(h.manager.init({ secret_shares: 1, secret_threshold: 1 }), coded('invalid_request', /^Vault is already initialized$/));
});

test('no share and no key material is stored in plaintext', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  for (const key of await collectKeys(h.physical)) {
    const raw = (await h.physical.get(key))!.value;
    for (const share of keys) {
      assert.equal(raw.includes(Buffer.from(share, 'hex')), false, `share bytes in ${key}`);
      assert.equal(raw.toString('latin1').includes(share), false, `hex share in ${key}`);
    }
  }
  const config = JSON.parse((await h.physical.get(SEAL_CONFIG_PATH))!.value.toString()) as Record<string, unknown>;
  assert.equal(config.secret_shares, 3);
  assert.equal(config.secret_threshold, 2);
  assert.equal(typeof config.wrapped_root_key, 'string');
});

test('t-1 shares leave Vault sealed, the t-th unseals it', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 5, secret_threshold: 3 });
  h.events.length = 0;

  let status = await h.manager.submitUnsealKey({ key: keys[0] });
  assert.equal(status.sealed, true);
  assert.equal(status.progress, 1);
  assert.match(status.nonce, /^[0-9a-f-]{36}$/);
  const nonce = status.nonce;
  status = await h.manager.submitUnsealKey({ key: keys[1] });
  assert.equal(status.sealed, true);
  assert.equal(status.progress, 2);
  assert.equal(status.nonce, nonce);
  assert.deepEqual(h.events, []);

  status = await h.manager.submitUnsealKey({ key: keys[2] });
  assert.equal(status.sealed, false);
  assert.equal(status.progress, 0);
  assert.equal(status.nonce, '');
  assert.match(status.cluster_name ?? '', /^vault-cluster-[0-9a-f]{8}$/);
  assert.match(status.cluster_id ?? '', /^[0-9a-f-]{36}$/);
  assert.deepEqual(h.events, ['unsealed']);
  assert.equal(h.barrier.sealed, false);

  // once unsealed, more keys are simply answered with the status
  assert.equal((await h.manager.submitUnsealKey({ key: keys[3] })).sealed, false);
});

test('any t of the n shares unseal, in any order, with hex or base64', async () => {
  const h = harness();
  const { keys, keys_base64 } = await h.manager.init({ secret_shares: 5, secret_threshold: 3 });
  const indexes = [0, 1, 2, 3, 4];
  let clusterId: string | undefined;
  for (const combo of combinations(indexes, 3)) {
    const picked = [...combo].reverse().map((i, n) => (n % 2 === 0 ? keys[i]! : keys_base64[i]!));
    await unsealWith(h.manager, picked);
    const status = await h.manager.status();
    assert.equal(status.sealed, false, `combination ${combo.join(',')}`);
    clusterId ??= status.cluster_id;
    assert.equal(status.cluster_id, clusterId, 'cluster identity is stable across unseals');
    await h.manager.seal();
    assert.equal(h.manager.sealed, true);
  }
});

test('a wrong share fails the attempt with a 400 and resets progress', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await h.manager.submitUnsealKey({ key: keys[0] });
  const forged = randomBytes(33);
  forged[32] = Buffer.from(keys[1]!, 'hex')[32]!; // a plausible x-coordinate, wrong y-values
  await assert.rejects(h.manager.submitUnsealKey({ key: forged.toString('hex') }), coded('invalid_request', /invalid key/));
  let status = await h.manager.status();
  assert.equal(status.sealed, true);
  assert.equal(status.progress, 0);
  assert.equal(status.nonce, '');

  // shares from another Vault
  const other = harness();
  const foreign = await other.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await h.manager.submitUnsealKey({ key: foreign.keys[0] });
  await assert.rejects(h.manager.submitUnsealKey({ key: foreign.keys[1] }), coded('invalid_request'));
  assert.equal((await h.manager.status()).progress, 0);

  // a share of the wrong length cannot be combined
  await h.manager.submitUnsealKey({ key: keys[0] });
  await assert.rejects(h.manager.submitUnsealKey({ key: randomBytes(20).toString('hex') }), coded('invalid_request', /combined key/));
  status = await h.manager.status();
  assert.equal(status.progress, 0);

  await unsealWith(h.manager, [keys[2]!, keys[0]!]);
  assert.equal(h.manager.sealed, false);
});

test('a duplicate share in the same attempt is a 400 and does not count', async () => {
  const h = harness();
  const { keys, keys_base64 } = await h.manager.init({ secret_shares: 3, secret_threshold: 3 });
  await h.manager.submitUnsealKey({ key: keys[0] });
  await assert.rejects(h.manager.submitUnsealKey({ key: keys[0] }), coded('invalid_request', /already been provided/));
  await assert.rejects(h.manager.submitUnsealKey({ key: keys_base64[0] }), coded('invalid_request', /already been provided/));
  assert.equal((await h.manager.status()).progress, 1);
  await unsealWith(h.manager, [keys[1]!, keys[2]!]);
  assert.equal(h.manager.sealed, false);
});

test('reset clears progress; reset while unsealed is a 400', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await h.manager.submitUnsealKey({ key: keys[0] });
  const status = await h.manager.submitUnsealKey({ reset: true });
  assert.equal(status.progress, 0);
  assert.equal(status.nonce, '');
  // the share given before the reset no longer counts
  assert.equal((await h.manager.submitUnsealKey({ key: keys[1] })).sealed, true);
  assert.equal((await h.manager.submitUnsealKey({ key: keys[2] })).sealed, false);
  await assert.rejects(h.manager.submitUnsealKey({ reset: true }), coded('invalid_request', /vault is unsealed/));
});

test('bad unseal requests', async () => {
  const h = harness();
  await assert.rejects(h.manager.submitUnsealKey({ key: randomBytes(33).toString('hex') }), coded('invalid_request', /^Vault is not initialized$/));
  await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await assert.rejects(h.manager.submitUnsealKey({}), coded('invalid_request', /'key' must be specified/));
  await assert.rejects(h.manager.submitUnsealKey({ key: 'not a key!' }), coded('invalid_request', /valid hex or base64/));
  await assert.rejects(h.manager.submitUnsealKey({ key: Buffer.alloc(8).toString('base64') }), coded('invalid_request', /shorter than minimum 16 bytes/));
  await assert.rejects(h.manager.submitUnsealKey({ key: Buffer.alloc(40).toString('base64') }), coded('invalid_request', /longer than maximum 33 bytes/));
  await assert.rejects(h.manager.submitUnsealKey({ key: 'aa', migrate: true }), coded('invalid_request', /migrate/));
  assert.equal((await h.manager.status()).progress, 0);
});

test('a single share is the 32-byte unseal key itself', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 1, secret_threshold: 1 });
  assert.equal(keys.length, 1);
  assert.match(keys[0]!, /^[0-9a-f]{64}$/);
  const status = await h.manager.submitUnsealKey({ key: keys[0] });
  assert.equal(status.sealed, false);
  await h.manager.seal();
  await assert.rejects(h.manager.submitUnsealKey({ key: randomBytes(32).toString('hex') }), coded('invalid_request'));
  assert.equal(h.manager.sealed, true);
});

test('concurrent final shares unseal exactly once', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 5, secret_threshold: 3 });
  h.events.length = 0;
  const results = await Promise.all(keys.map((key) => h.manager.submitUnsealKey({ key })));
  assert.equal(results.at(-1)!.sealed, false);
  assert.deepEqual(h.events, ['unsealed']);
});

test('a failing post-unseal hook seals the barrier again', async () => {
  let fail = true;
  const h = harness({
    onUnsealed: async () => {
      if (fail) throw new Error('mount table unreadable');
    },
  });
  fail = false;
  const { keys } = await h.manager.init({ secret_shares: 1, secret_threshold: 1 });
  fail = true;
  await assert.rejects(h.manager.submitUnsealKey({ key: keys[0] }), coded('internal', /see the server log/));
  assert.equal(h.barrier.sealed, true);
  assert.equal((await h.manager.status()).sealed, true);
  assert.ok(h.events.includes('sealing'));
  fail = false;
  assert.equal((await h.manager.submitUnsealKey({ key: keys[0] })).sealed, false);
});

test('seal runs onSealing, then wipes the barrier; data survives seal and unseal', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await unsealWith(h.manager, keys.slice(0, 2));
  await h.barrier.put({ key: 'core/test', value: Buffer.from('kept') });
  h.events.length = 0;
  let barrierSealedDuringHook: boolean | undefined;
  h.hooks.onSealing = async () => {
    barrierSealedDuringHook = h.barrier.sealed;
    h.events.push('sealing');
  };
  await h.manager.seal();
  assert.equal(barrierSealedDuringHook, false, 'onSealing runs before the barrier seals');
  assert.deepEqual(h.events, ['sealing']);
  assert.equal(h.barrier.sealed, true);
  assert.equal((await h.manager.status()).cluster_name, undefined);
  await h.manager.seal(); // sealing twice is harmless
  assert.deepEqual(h.events, ['sealing']);
  await unsealWith(h.manager, keys.slice(1, 3));
  assert.equal((await h.barrier.get('core/test'))?.value.toString(), 'kept');
});

test('rekey: a quorum of old shares yields new shares; only the new ones unseal afterwards', async () => {
  const h = harness();
  const { keys: oldKeys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await assert.rejects(h.manager.rekeyStatus(), coded('sealed', /^Vault is sealed$/));
  await unsealWith(h.manager, oldKeys.slice(0, 2));
  await h.barrier.put({ key: 'logical/x/data', value: Buffer.from('survives rekey') });
  const keyringBefore = (await h.physical.get(KEYRING_PATH))!.value;

  assert.deepEqual(await h.manager.rekeyStatus(), {
    nonce: '',
    started: false,
    t: 0,
    n: 0,
    progress: 0,
    required: 2,
    pgp_fingerprints: null,
    backup: false,
    verification_required: false,
  });
  const started = await h.manager.rekeyInit({ secret_shares: 5, secret_threshold: 3 });
  assert.equal(started.started, true);
  assert.equal(started.t, 3);
  assert.equal(started.n, 5);
  assert.equal(started.required, 2);
  assert.match(started.nonce, /^[0-9a-f-]{36}$/);
  await assert.rejects(h.manager.rekeyInit({ secret_shares: 5, secret_threshold: 3 }), coded('invalid_request', /already in progress/));

  await assert.rejects(h.manager.rekeyUpdate({ key: oldKeys[0]!, nonce: 'wrong' }), coded('invalid_request', /incorrect nonce/));
  const progress = await h.manager.rekeyUpdate({ key: oldKeys[0]!, nonce: started.nonce });
  assert.equal('progress' in progress && progress.progress, 1);
  await assert.rejects(h.manager.rekeyUpdate({ key: oldKeys[0]!, nonce: started.nonce }), coded('invalid_request', /already been provided/));

  const done = (await h.manager.rekeyUpdate({ key: oldKeys[2]!, nonce: started.nonce })) as RekeyResult;
  assert.equal(done.complete, true);
  assert.equal(done.nonce, started.nonce);
  assert.equal(done.keys.length, 5);
  assert.equal(done.keys_base64.length, 5);
  assert.equal(Buffer.from(done.keys_base64[4]!, 'base64').toString('hex'), done.keys[4]);
  assert.equal((await h.manager.rekeyStatus()).started, false);
  const status = await h.manager.status();
  assert.equal(status.t, 3);
  assert.equal(status.n, 5);
  assert.deepEqual((await h.physical.get(KEYRING_PATH))!.value, keyringBefore, 'the keyring is not re-encrypted');

  await h.manager.seal();
  await h.manager.submitUnsealKey({ key: oldKeys[0] });
  await h.manager.submitUnsealKey({ key: oldKeys[1] });
  await assert.rejects(h.manager.submitUnsealKey({ key: oldKeys[2] }), coded('invalid_request'));
  assert.equal(h.manager.sealed, true, 'old shares no longer unseal');

  await unsealWith(h.manager, [done.keys[4]!, done.keys_base64[1]!, done.keys[2]!]);
  assert.equal(h.manager.sealed, false);
  assert.equal((await h.barrier.get('logical/x/data'))?.value.toString(), 'survives rekey');
});

test('rekey validation, wrong shares, and cancel', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await unsealWith(h.manager, keys.slice(0, 2));
  await assert.rejects(h.manager.rekeyUpdate({ key: keys[0]!, nonce: 'x' }), coded('invalid_request', /no barrier rekey in progress/));
  await assert.rejects(h.manager.rekeyInit({ secret_shares: 2, secret_threshold: 3 }), coded('invalid_request', /threshold greater than the total shares/));
  await assert.rejects(h.manager.rekeyInit({ secret_shares: 3, secret_threshold: 1 }), coded('invalid_request', /greater than one for multiple shares/));
  await assert.rejects(h.manager.rekeyInit({ secret_shares: 0, secret_threshold: 0 }), coded('invalid_request', /at least one/));
  await assert.rejects(h.manager.rekeyInit({ secret_shares: 3, secret_threshold: 2, backup: true }), coded('invalid_request', /backup/));
  await assert.rejects(h.manager.rekeyInit({ secret_shares: 3, secret_threshold: 2, pgp_keys: ['a', 'b'] }), coded('invalid_request', /incorrect number of PGP keys/));
  await assert.rejects(h.manager.rekeyVerificationStatus(), coded('invalid_request', /no rekey configuration found/));

  const { nonce } = await h.manager.rekeyInit({ secret_shares: 1, secret_threshold: 1 });
  await h.manager.rekeyUpdate({ key: keys[0]!, nonce });
  await assert.rejects(h.manager.rekeyUpdate({ key: randomBytes(33).toString('hex'), nonce }), coded('invalid_request', /do not combine/));
  const after = await h.manager.rekeyStatus();
  assert.equal(after.started, true, 'the attempt survives a bad quorum');
  assert.equal(after.progress, 0);

  await h.manager.rekeyCancel();
  assert.equal((await h.manager.rekeyStatus()).started, false);

  // 1-of-1 rekey produces the raw unseal key
  const again = await h.manager.rekeyInit({ secret_shares: 1, secret_threshold: 1 });
  await h.manager.rekeyUpdate({ key: keys[1]!, nonce: again.nonce });
  const done = (await h.manager.rekeyUpdate({ key: keys[2]!, nonce: again.nonce })) as RekeyResult;
  assert.match(done.keys[0]!, /^[0-9a-f]{64}$/);
  await h.manager.seal();
  assert.equal((await h.manager.submitUnsealKey({ key: done.keys_base64[0] })).sealed, false);
});

test('generate-root: OTP flow round trip with decodeRootToken', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await assert.rejects(h.manager.generateRootStatus(), coded('sealed'));
  await unsealWith(h.manager, keys.slice(0, 2));

  assert.deepEqual(await h.manager.generateRootStatus(), {
    nonce: '',
    started: false,
    progress: 0,
    required: 2,
    complete: false,
    encoded_token: '',
    encoded_root_token: '',
    pgp_fingerprint: '',
    otp: '',
    otp_length: 28,
  });
  const attempt = await h.manager.generateRootInit({});
  assert.equal(attempt.started, true);
  assert.match(attempt.otp, /^[0-9A-Za-z]{28}$/);
  assert.equal((await h.manager.generateRootStatus()).otp, '', 'the OTP is shown only once');
  await assert.rejects(h.manager.generateRootInit({}), coded('invalid_request', /already in progress/));

  await assert.rejects(h.manager.generateRootUpdate({ key: keys[0]!, nonce: 'nope' }), coded('invalid_request', /incorrect nonce/));
  const first = await h.manager.generateRootUpdate({ key: keys[2]!, nonce: attempt.nonce });
  assert.equal(first.progress, 1);
  assert.equal(first.complete, false);
  assert.equal(first.encoded_token, '');
  await assert.rejects(h.manager.generateRootUpdate({ key: keys[2]!, nonce: attempt.nonce }), coded('invalid_request', /already been provided/));

  const done = await h.manager.generateRootUpdate({ key: keys[0]!, nonce: attempt.nonce });
  assert.equal(done.complete, true);
  assert.equal(done.progress, 2);
  assert.equal(done.encoded_token, done.encoded_root_token);
  assert.doesNotMatch(done.encoded_token, /=/);
  const token = decodeRootToken(done.encoded_token, attempt.otp);
  assert.equal(token, h.tokens.at(-1));
  assert.match(token, /^hvs\.[0-9A-Za-z]{24}$/);
  assert.equal((await h.manager.generateRootStatus()).started, false);

  // with a caller-chosen OTP
  const otp = 'A'.repeat(28);
  const mine = await h.manager.generateRootInit({ otp });
  assert.equal(mine.otp, '');
  await h.manager.generateRootUpdate({ key: keys[1]!, nonce: mine.nonce });
  const again = await h.manager.generateRootUpdate({ key: keys[2]!, nonce: mine.nonce });
  assert.equal(decodeRootToken(again.encoded_token, otp), h.tokens.at(-1));
});

test('generate-root refusals, wrong shares and cancel', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 3, secret_threshold: 2 });
  await unsealWith(h.manager, keys.slice(0, 2));
  const tokensBefore = h.tokens.length;
  await assert.rejects(h.manager.generateRootInit({ otp: 'short' }), coded('invalid_request', /OTP string is wrong length/));
  await assert.rejects(h.manager.generateRootInit({ pgp_key: 'abc' }), coded('invalid_request', /PGP/));
  await assert.rejects(h.manager.generateRootUpdate({ key: keys[0]!, nonce: '' }), coded('invalid_request', /no root generation in progress/));

  const { nonce } = await h.manager.generateRootInit({});
  await h.manager.generateRootUpdate({ key: keys[0]!, nonce });
  await assert.rejects(h.manager.generateRootUpdate({ key: randomBytes(33).toString('base64'), nonce }), coded('invalid_request', /aborted/));
  assert.equal(h.tokens.length, tokensBefore, 'no root token was minted');
  assert.equal((await h.manager.generateRootStatus()).progress, 0);

  await h.manager.generateRootCancel();
  assert.equal((await h.manager.generateRootStatus()).started, false);

  // sealing drops an attempt in progress
  const pending = await h.manager.generateRootInit({});
  await h.manager.generateRootUpdate({ key: keys[0]!, nonce: pending.nonce });
  await h.manager.seal();
  await unsealWith(h.manager, keys.slice(1, 3));
  assert.equal((await h.manager.generateRootStatus()).started, false);
});

test('generate-root revokes a token that does not fit the OTP', async () => {
  let issued = '';
  const h = harness({
    createRootToken: async () => {
      issued = fakeRootToken(30);
      return issued;
    },
  });
  const { keys } = await h.manager.init({ secret_shares: 1, secret_threshold: 1 });
  await h.manager.submitUnsealKey({ key: keys[0] });
  const { nonce } = await h.manager.generateRootInit({});
  await assert.rejects(h.manager.generateRootUpdate({ key: keys[0]!, nonce }), coded('internal', /not issued/));
  assert.ok(h.events.includes(`revoke:${issued}`));
});

test('rotate and key-status pass through to the barrier', async () => {
  const h = harness();
  const { keys } = await h.manager.init({ secret_shares: 1, secret_threshold: 1 });
  assert.throws(() => h.manager.keyStatus(), coded('sealed'));
  await h.manager.submitUnsealKey({ key: keys[0] });
  assert.equal(h.manager.keyStatus().term, 1);
  assert.equal(await h.manager.rotate(), 2);
  assert.equal(h.manager.keyStatus().term, 2);
});

test('init refuses to overwrite a keyring that has no seal configuration', async () => {
  const h = harness();
  await h.barrier.initialize(h.barrier.generateKey());
  await assert.rejects(h.manager.init({ secret_shares: 1, secret_threshold: 1 }), coded('invalid_request', /refusing to initialize/));
});

test('a configured cluster name is used and stored', async () => {
  const h = harness({}, { clusterName: 'prod-eu' });
  const { keys } = await h.manager.init({ secret_shares: 1, secret_threshold: 1 });
  const status = await h.manager.submitUnsealKey({ key: keys[0] });
  assert.equal(status.cluster_name, 'prod-eu');
  assert.deepEqual(h.manager.clusterInfo(), { name: 'prod-eu', id: status.cluster_id });
});

test('a failed seal-config write during init can be retried', async () => {
  const h = harness();
  const realPut = h.physical.put.bind(h.physical);
  let failOnce = true;
  h.physical.put = async (entry) => {
    if (entry.key === SEAL_CONFIG_PATH && failOnce) {
      failOnce = false;
      throw new Error('disk full');
    }
    return realPut(entry);
  };
  await assert.rejects(h.manager.init({ secret_shares: 1, secret_threshold: 1 }), /disk full/);
  assert.equal(await h.manager.initialized(), false);
  assert.equal(await h.physical.get(KEYRING_PATH), null);
  const { keys } = await h.manager.init({ secret_shares: 1, secret_threshold: 1 });
  assert.equal((await h.manager.submitUnsealKey({ key: keys[0] })).sealed, false);
});
