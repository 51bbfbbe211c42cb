import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disabledHa, type HaStatus } from './ha-status.js';
import { handleLifecycle, isLifecyclePath, type LifecycleCall, type LifecycleContext } from './lifecycle-api.js';
import { decodeRootToken } from './root-token-otp.js';
import { harness } from './test-support.js';

const NOW = new Date('2024-05-01T12:00:00Z');

function call(method: string, path: string, body: unknown = {}, query = ''): LifecycleCall {
  return { method, path, body, query: new URLSearchParams(query) };
}

async function send(ctx: LifecycleContext, method: string, path: string, body: unknown = {}, query = '') {
  const answer = await handleLifecycle(ctx, call(method, path, body, query));
  assert.ok(answer, `${path} is a lifecycle path`);
  return answer as { status: number; body: Record<string, any> | null };
}

function context(ha?: Partial<HaStatus>) {
  const h = harness();
  const ctx: LifecycleContext = { manager: h.manager, now: () => NOW, ...(ha ? { ha: () => ({ ...disabledHa, ...ha }) } : {}) };
  return { h, ctx };
}

async function initAndUnseal(ctx: LifecycleContext) {
  const init = await send(ctx, 'PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2 });
  assert.equal(init.status, 200);
  const keys = init.body!.keys as string[];
  await send(ctx, 'PUT', 'sys/unseal', { key: keys[0] });
  const unsealed = await send(ctx, 'PUT', 'sys/unseal', { key: keys[1] });
  assert.equal(unsealed.body!.sealed, false);
  return { keys, keysBase64: init.body!.keys_base64 as string[], rootToken: init.body!.root_token as string };
}

test('lifecycle paths', () => {
  for (const path of ['sys/init', 'sys/seal-status', 'sys/unseal', 'sys/rekey/init', 'sys/rekey/update', 'sys/generate-root/attempt', 'sys/generate-root/update', 'sys/health', 'sys/leader']) {
    assert.equal(isLifecyclePath(path), true, path);
  }
  assert.equal(isLifecyclePath('/sys/health/'), true);
  assert.equal(isLifecyclePath('sys/seal'), false, 'sys/seal needs a token and goes through the pipeline');
  assert.equal(isLifecyclePath('secret/data/x'), false);
});

test('a non-lifecycle path is left to the pipeline', async () => {
  const { ctx } = context();
  assert.equal(await handleLifecycle(ctx, call('GET', 'sys/mounts')), undefined);
});

test('sys/init GET, PUT, and bad bodies', async () => {
  const { ctx, h } = context();
  assert.deepEqual(await send(ctx, 'GET', 'sys/init'), { status: 200, body: { initialized: false } });

  let bad = await send(ctx, 'PUT', 'sys/init', [1, 2]);
  assert.equal(bad.status, 400);
  assert.deepEqual(bad.body, { errors: ['the request body must be a JSON object'] });
  bad = await send(ctx, 'PUT', 'sys/init', { secret_shares: 'five', secret_threshold: 3 });
  assert.deepEqual(bad, { status: 400, body: { errors: ['"secret_shares" must be an integer'] } });
  bad = await send(ctx, 'PUT', 'sys/init', {});
  assert.deepEqual(bad, { status: 400, body: { errors: ['invalid seal configuration: shares must be at least one'] } });
  bad = await send(ctx, 'POST', 'sys/init', { secret_shares: 2, secret_threshold: 3 });
  assert.deepEqual(bad.body, { errors: ['invalid seal configuration: threshold cannot be larger than shares'] });
  bad = await send(ctx, 'PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2, pgp_keys: 'k1,k2,k3' });
  assert.equal(bad.status, 400);
  assert.match(bad.body!.errors[0], /PGP key 1 is not a valid OpenPGP public key/);

  const ok = await send(ctx, 'PUT', 'sys/init', { secret_shares: '3', secret_threshold: 2 });
  assert.equal(ok.status, 200);
  assert.deepEqual(Object.keys(ok.body!).sort(), ['keys', 'keys_base64', 'root_token']);
  assert.equal(ok.body!.root_token, h.tokens[0]);
  assert.deepEqual(await send(ctx, 'GET', 'sys/init'), { status: 200, body: { initialized: true } });
  const again = await send(ctx, 'PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 });
  assert.deepEqual(again, { status: 400, body: { errors: ['Vault is already initialized'] } });
  assert.equal((await send(ctx, 'DELETE', 'sys/init')).status, 405);
});

test('sys/seal-status and sys/unseal', async () => {
  const { ctx } = context();
  const before = await send(ctx, 'GET', 'sys/seal-status');
  assert.equal(before.status, 200);
  assert.equal(before.body!.initialized, false);
  assert.equal(before.body!.type, 'shamir');
  assert.equal((await send(ctx, 'PUT', 'sys/seal-status')).status, 405);

  const notInit = await send(ctx, 'PUT', 'sys/unseal', { key: 'ab'.repeat(33) });
  assert.deepEqual(notInit, { status: 400, body: { errors: ['Vault is not initialized'] } });

  const init = await send(ctx, 'PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2 });
  const keys = init.body!.keys as string[];
  const missing = await send(ctx, 'PUT', 'sys/unseal', {});
  assert.deepEqual(missing.body, { errors: ["'key' must be specified in request body as JSON, or 'reset' set to true"] });
  assert.deepEqual((await send(ctx, 'PUT', 'sys/unseal', { key: 12 })).body, { errors: ['"key" must be a string'] });

  const one = await send(ctx, 'PUT', 'sys/unseal', { key: keys[0] });
  assert.equal(one.status, 200);
  assert.equal(one.body!.progress, 1);
  const dup = await send(ctx, 'PUT', 'sys/unseal', { key: keys[0] });
  assert.equal(dup.status, 400);
  const reset = await send(ctx, 'PUT', 'sys/unseal', { reset: true });
  assert.equal(reset.body!.progress, 0);
  await send(ctx, 'PUT', 'sys/unseal', { key: (init.body!.keys_base64 as string[])[2] });
  const done = await send(ctx, 'POST', 'sys/unseal', { key: keys[1] });
  assert.equal(done.body!.sealed, false);
  assert.equal(done.body!.t, 2);
  assert.equal(done.body!.n, 3);
  assert.equal(typeof done.body!.cluster_id, 'string');
});

test('sys/health default codes by state, and the body', async () => {
  const { ctx } = context();
  let answer = await send(ctx, 'GET', 'sys/health');
  assert.equal(answer.status, 501);
  assert.equal(answer.body!.initialized, false);
  assert.equal(answer.body!.sealed, true);

  const init = await send(ctx, 'PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 });
  answer = await send(ctx, 'GET', 'sys/health');
  assert.equal(answer.status, 503);
  assert.equal(answer.body!.cluster_name, undefined);

  await send(ctx, 'PUT', 'sys/unseal', { key: (init.body!.keys as string[])[0] });
  answer = await send(ctx, 'GET', 'sys/health');
  assert.equal(answer.status, 200);
  const body = answer.body!;
  assert.equal(body.initialized, true);
  assert.equal(body.sealed, false);
  assert.equal(body.standby, false);
  assert.equal(body.performance_standby, false);
  assert.equal(body.replication_performance_mode, 'disabled');
  assert.equal(body.replication_dr_mode, 'disabled');
  assert.equal(body.server_time_utc, Math.floor(NOW.getTime() / 1000));
  assert.equal(body.version, '1.2.3');
  assert.match(body.cluster_name, /^vault-cluster-/);
  assert.match(body.cluster_id, /^[0-9a-f-]{36}$/);

  const head = await send(ctx, 'HEAD', 'sys/health');
  assert.deepEqual(head, { status: 200, body: null });
});

test('sys/health query overrides', async () => {
  const { ctx } = context();
  assert.equal((await send(ctx, 'GET', 'sys/health', {}, 'uninitcode=200')).status, 200);
  assert.equal((await send(ctx, 'HEAD', 'sys/health', {}, 'uninitcode=418')).status, 418);
  const init = await send(ctx, 'PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 });
  assert.equal((await send(ctx, 'GET', 'sys/health', {}, 'sealedcode=299')).status, 299);
  assert.equal((await send(ctx, 'GET', 'sys/health', {}, 'uninitcode=200')).status, 503, 'only the matching state is overridden');
  await send(ctx, 'PUT', 'sys/unseal', { key: (init.body!.keys as string[])[0] });
  assert.equal((await send(ctx, 'GET', 'sys/health', {}, 'activecode=204')).status, 204);
  assert.equal((await send(ctx, 'GET', 'sys/health', {}, 'standbycode=200&sealedcode=500')).status, 200);

  const bad = await send(ctx, 'GET', 'sys/health', {}, 'activecode=abc');
  assert.equal(bad.status, 400);
  assert.match(bad.body!.errors[0], /bad value for activecode parameter/);
  assert.equal((await send(ctx, 'GET', 'sys/health', {}, 'sealedcode=42')).status, 400);
  assert.equal((await send(ctx, 'GET', 'sys/health', {}, 'standbyok=maybe')).status, 400);
  assert.deepEqual(await send(ctx, 'HEAD', 'sys/health', {}, 'standbyok=maybe'), { status: 400, body: null });
  assert.equal((await send(ctx, 'POST', 'sys/health')).status, 405);
});

test('sys/health for standbys and performance standbys', async () => {
  for (const [ha, query, expected] of [
    [{ standby: true }, '', 429],
    [{ standby: true }, 'standbyok=true', 200],
    [{ standby: true }, 'standbyok', 200],
    [{ standby: true }, 'standbyok=false', 429],
    [{ standby: true }, 'standbyok=true&activecode=299', 299],
    [{ standby: true }, 'standbycode=200', 200],
    [{ standby: true, performanceStandby: true }, '', 473],
    [{ standby: true, performanceStandby: true }, 'perfstandbyok=1', 200],
    [{ standby: true, performanceStandby: true }, 'performancestandbycode=201', 201],
    [{ standby: true, performanceStandby: true }, 'standbyok=true', 473],
  ] as [Partial<HaStatus>, string, number][]) {
    const { ctx } = context({ enabled: true, ...ha });
    const init = await send(ctx, 'PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 });
    await send(ctx, 'PUT', 'sys/unseal', { key: (init.body!.keys as string[])[0] });
    const answer = await send(ctx, 'GET', 'sys/health', {}, query);
    assert.equal(answer.status, expected, `${JSON.stringify(ha)} ?${query}`);
    assert.equal(answer.body!.standby, ha.standby ?? false);
    assert.equal(answer.body!.performance_standby, ha.performanceStandby ?? false);
  }
});

test('sys/leader', async () => {
  const { ctx } = context();
  assert.deepEqual(await send(ctx, 'GET', 'sys/leader'), {
    status: 200,
    body: {
      ha_enabled: false,
      is_self: false,
      active_time: '0001-01-01T00:00:00Z',
      leader_address: '',
      leader_cluster_address: '',
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
    },
  });
  const active = new Date('2024-04-01T00:00:00Z');
  const ha = context({ enabled: true, isSelf: true, activeTime: active, leaderAddress: 'https://10.0.0.1:8200', leaderClusterAddress: 'https://10.0.0.1:8201' });
  const answer = await send(ha.ctx, 'GET', 'sys/leader');
  assert.equal(answer.body!.ha_enabled, true);
  assert.equal(answer.body!.is_self, true);
  assert.equal(answer.body!.active_time, active.toISOString());
  assert.equal(answer.body!.leader_address, 'https://10.0.0.1:8200');
});

test('sys/rekey/* through the API', async () => {
  const { ctx } = context();
  const sealed = await send(ctx, 'GET', 'sys/rekey/init');
  assert.deepEqual(sealed, { status: 400, body: { errors: ['server is not yet initialized'] } });
  const { keys } = await initAndUnseal(ctx);

  const started = await send(ctx, 'PUT', 'sys/rekey/init', { secret_shares: 4, secret_threshold: 2 });
  assert.equal(started.status, 200);
  assert.deepEqual(Object.keys(started.body!).sort(), ['backup', 'n', 'nonce', 'pgp_fingerprints', 'progress', 'required', 'started', 't', 'verification_required']);
  const nonce = started.body!.nonce as string;

  assert.deepEqual((await send(ctx, 'PUT', 'sys/rekey/update', { nonce })).body, { errors: ["'key' must be specified in request body as JSON"] });
  const wrongNonce = await send(ctx, 'PUT', 'sys/rekey/update', { key: keys[0], nonce: 'abc' });
  assert.equal(wrongNonce.status, 400);
  const progress = await send(ctx, 'PUT', 'sys/rekey/update', { key: keys[0], nonce });
  assert.equal(progress.body!.progress, 1);
  assert.equal(progress.body!.started, true);
  const done = await send(ctx, 'POST', 'sys/rekey/update', { key: keys[1], nonce });
  assert.equal(done.status, 200);
  assert.equal(done.body!.complete, true);
  assert.equal((done.body!.keys as string[]).length, 4);

  await send(ctx, 'PUT', 'sys/rekey/init', { secret_shares: 1, secret_threshold: 1 });
  assert.deepEqual(await send(ctx, 'DELETE', 'sys/rekey/init'), { status: 204, body: null });
  assert.equal((await send(ctx, 'GET', 'sys/rekey/init')).body!.started, false);
  assert.equal((await send(ctx, 'GET', 'sys/rekey/update')).status, 405);
});

test('sys/rekey and sys/generate-root answer 503 while sealed', async () => {
  const { ctx } = context();
  await send(ctx, 'PUT', 'sys/init', { secret_shares: 1, secret_threshold: 1 });
  assert.deepEqual(await send(ctx, 'GET', 'sys/rekey/init'), { status: 503, body: { errors: ['Vault is sealed'] } });
  assert.equal((await send(ctx, 'PUT', 'sys/generate-root/attempt')).status, 503);
});

test('sys/generate-root/* through the API, decoded with decodeRootToken', async () => {
  const { ctx, h } = context();
  const { keys, keysBase64 } = await initAndUnseal(ctx);
  const status = await send(ctx, 'GET', 'sys/generate-root/attempt');
  assert.equal(status.body!.otp_length, 28);
  assert.equal(status.body!.started, false);

  const attempt = await send(ctx, 'PUT', 'sys/generate-root/attempt', undefined);
  assert.equal(attempt.status, 200);
  const otp = attempt.body!.otp as string;
  assert.equal(otp.length, 28);
  const nonce = attempt.body!.nonce as string;

  await send(ctx, 'PUT', 'sys/generate-root/update', { key: keysBase64[2], nonce });
  const done = await send(ctx, 'PUT', 'sys/generate-root/update', { key: keys[0], nonce });
  assert.equal(done.body!.complete, true);
  assert.equal(decodeRootToken(done.body!.encoded_token as string, otp), h.tokens.at(-1));

  const wrong = await send(ctx, 'PUT', 'sys/generate-root/attempt', { otp: 'tooshort' });
  assert.equal(wrong.status, 400);
  await send(ctx, 'PUT', 'sys/generate-root/attempt', {});
  assert.deepEqual(await send(ctx, 'DELETE', 'sys/generate-root/attempt'), { status: 204, body: null });
});
