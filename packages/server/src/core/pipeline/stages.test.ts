// Each pipeline stage on its own, with fakes for what it calls.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CofferError, isCofferError, silentLogger } from '@coffer/sdk';
import { MountBoundary } from '../../mounts/mount-boundary.js';
import { InmemStorage } from '@coffer/sdk';
import { authenticateStage } from './stage-authenticate.js';
import { authorizeStage } from './stage-authorize.js';
import { dispatchStage } from './stage-dispatch.js';
import { leaseStage } from './stage-lease.js';
import { requestStage } from './stage-request.js';
import { routeStage } from './stage-route.js';
import { tokenUseStage } from './stage-token-use.js';
import { wrapStage } from './stage-wrap.js';
import { done, recordingBackend, testContext, testRoute, testToken } from './stage-test-support.js';

const code = (c: string) => (err: unknown) => isCofferError(err) && err.code === c;

describe('route stage', () => {
  test('finds the mount, the path below it and whether the path is unauthenticated; no mount is a 404', async () => {
    const { router } = testRoute('kv', 'secret/', recordingBackend());
    const ctx = testContext('secret/login');
    await routeStage(router)(ctx, done);
    assert.equal(ctx.route?.path, 'secret/');
    assert.equal(ctx.relative, 'login');
    assert.equal(ctx.unauthenticated, true);
    await assert.rejects(routeStage(router)(testContext('nowhere/x'), done), (err: unknown) => isCofferError(err) && err.code === 'unsupported_path');
  });
});

describe('authenticate stage', () => {
  const tokens = { check: async (id: string) => (id === 'hvs.client-token' ? testToken() : Promise.reject(new CofferError('permission_denied', 'permission denied'))) };
  test('a known token becomes the caller; none or an unknown one is a 403 on an authenticated path', async () => {
    const ctx = testContext('secret/x');
    await authenticateStage(tokens)(ctx, done);
    assert.equal(ctx.token?.accessor, 'acc1');
    await assert.rejects(authenticateStage(tokens)(testContext('secret/x', { token: '' }), done), code('permission_denied'));
    await assert.rejects(authenticateStage(tokens)(testContext('secret/x', { token: 'hvs.other' }), done), code('permission_denied'));
  });
  test('on an unauthenticated path a valid token is passed on but not authorized, an invalid one ignored', async () => {
    const ctx = testContext('auth/x/login');
    ctx.unauthenticated = true;
    await authenticateStage(tokens)(ctx, done);
    assert.equal(ctx.token, undefined);
    assert.equal(ctx.caller?.accessor, 'acc1');
    const bad = testContext('auth/x/login', { token: 'hvs.other' });
    bad.unauthenticated = true;
    await authenticateStage(tokens)(bad, done);
    assert.equal(bad.caller, undefined);
  });
});

describe('request stage (the mount boundary)', () => {
  const headers = { 'x-vault-token': ['hvs.client-token'], authorization: ['Bearer hvs.client-token'], 'x-custom': ['yes'], 'x-other': ['no'] };
  const build = async (type: string, path: string, config = {}) => {
    const boundary = await MountBoundary.open(new InmemStorage());
    const { route } = testRoute(type, path, recordingBackend(), config);
    const ctx = testContext(`${path}x`, { headers });
    ctx.route = route;
    ctx.caller = ctx.token = testToken();
    await requestStage(boundary)(ctx, done);
    return { req: ctx.request!, boundary, route };
  };
  test('an engine gets a per-mount salted token and no headers unless passed through, never the token headers', async () => {
    const { req } = await build('kv', 'secret/', { passthrough_request_headers: ['X-Custom', 'Authorization', 'X-Vault-Token'] });
    assert.match(req.clientToken, /^[0-9a-f]{64}$/);
    assert.notEqual(req.clientToken, 'hvs.client-token');
    assert.deepEqual(req.headers, { 'x-custom': ['yes'] });
    const other = await build('kv', 'other/');
    assert.notEqual(other.req.clientToken, req.clientToken, 'each mount sees its own form of the token');
    assert.deepEqual(other.req.headers, {});
  });
  test('cubbyhole gets the cubbyhole id; the core\'s own mounts the token itself', async () => {
    assert.equal((await build('cubbyhole', 'cubbyhole/')).req.clientToken, 'cubby-1');
    assert.equal((await build('token', 'auth/token/')).req.clientToken, 'hvs.client-token');
    assert.equal((await build('system', 'sys/')).req.clientToken, 'hvs.client-token');
  });
});

describe('authorize stage', () => {
  const acl = (allowed: boolean, rootPrivs: boolean) => ({ authorize: async () => ({ allowed, rootPrivs, isRoot: false, capabilities: [] }) });
  const prepared = async (path: string, type = 'kv') => {
    const { route } = testRoute(type, 'secret/', recordingBackend());
    const ctx = testContext(path);
    ctx.route = route;
    ctx.relative = path.slice('secret/'.length);
    ctx.token = testToken();
    await requestStage(await MountBoundary.open(new InmemStorage()))(ctx, done);
    return ctx;
  };
  test('an allowed request goes on with sudo on the request; a denied one calls onDenied and is a 403', async () => {
    const ctx = await prepared('secret/x', 'token');
    await authorizeStage({ acl: acl(true, true), onDenied: async () => assert.fail('not denied') })(ctx, done);
    assert.equal(ctx.request!.sudo, true, 'the core\'s own backends learn about sudo');
    const engine = await prepared('secret/x');
    await authorizeStage({ acl: acl(true, true), onDenied: async () => assert.fail('not denied') })(engine, done);
    assert.equal(engine.request!.sudo, undefined, 'an engine does not');
    let denied = 0;
    await assert.rejects(authorizeStage({ acl: acl(false, false), onDenied: async () => void denied++ })(await prepared('secret/x'), done), code('permission_denied'));
    assert.equal(denied, 1);
  });
  test('a root path needs sudo even when the capability allows it', async () => {
    await assert.rejects(authorizeStage({ acl: acl(true, false), onDenied: async () => undefined })(await prepared('secret/admin/x'), done), code('permission_denied'));
  });
});

describe('token-use stage', () => {
  test('charges a use and revokes the token after the request that used it up, even if it failed', async () => {
    const revoked: string[] = [];
    const tokens = { use: async () => true, revoke: async (id: string) => void revoked.push(id) };
    const ctx = testContext('secret/x');
    ctx.token = testToken({ numUses: 1 });
    await assert.rejects(tokenUseStage(tokens, silentLogger)(ctx, async () => { throw new Error('backend failed'); }), /backend failed/);
    assert.deepEqual(revoked, ['hvs.client-token']);
  });
});

describe('dispatch stage', () => {
  const run = async (type: string, answer: Parameters<typeof recordingBackend>[0], config = {}, mountError?: string, operation: 'read' | 'list' = 'read') => {
    const backend = recordingBackend(answer);
    const { route } = testRoute(type, 'm/', backend, config);
    const ctx = testContext('m/x', { operation });
    ctx.route = route;
    ctx.relative = 'x';
    await requestStage(await MountBoundary.open(new InmemStorage()))(ctx, done);
    await dispatchStage(() => mountError)(ctx, done);
    return ctx;
  };
  test('response headers are dropped unless the mount allows them', async () => {
    const answer = () => ({ data: { a: 1 }, headers: { 'X-Allowed': '1', 'X-Secret': '2' } });
    assert.equal((await run('kv', answer)).result!.response!.headers, undefined);
    assert.deepEqual((await run('kv', answer, { allowed_response_headers: ['x-allowed'] })).result!.response!.headers, { 'X-Allowed': '1' });
  });
  test('a mount that could not start is a 503 with its reason; nothing found is a 404', async () => {
    await assert.rejects(run('kv', () => null, {}, 'plugin binary is missing'), (err: unknown) => isCofferError(err) && err.code === 'unavailable' && /plugin binary is missing/.test(err.message));
    await assert.rejects(run('kv', () => null), code('not_found'));
    await assert.rejects(run('kv', () => ({ data: { keys: [] } }), {}, undefined, 'list'), code('not_found'));
  });
});

describe('lease stage', () => {
  const withSecret = (type: string) => {
    const { route } = testRoute(type, 'm/', recordingBackend());
    const ctx = testContext('m/creds');
    ctx.route = route;
    ctx.caller = testToken();
    ctx.response = { data: {}, secret: { ttl: 60, renewable: true, internalData: {} } as never };
    ctx.result = { requestId: 'req-1', response: ctx.response };
    return ctx;
  };
  test('a secret gets a lease, except on kv where the TTL is only a hint', async () => {
    const registered: string[] = [];
    const leases = { registerSecret: async (i: { path: string; clientToken: string }) => (registered.push(`${i.path} ${i.clientToken}`), { leaseId: 'm/creds/abc', ttl: 60, renewable: true }) };
    const db = withSecret('database');
    await leaseStage({ leases, mountTtls: () => ({ defaultTtl: 10, maxTtl: 20 }) })(db, done);
    assert.equal(db.result!.leaseId, 'm/creds/abc');
    assert.deepEqual(registered, ['m/creds hvs.client-token'], 'the lease belongs to the client token itself');
    const kv = withSecret('kv');
    await leaseStage({ leases, mountTtls: () => ({ defaultTtl: 10, maxTtl: 20 }) })(kv, done);
    assert.equal(kv.result!.leaseId, undefined);
    assert.equal(kv.result!.leaseDuration, 60);
  });
});

describe('wrap stage', () => {
  test('wraps when the client asks, never for unwrap itself', async () => {
    const wrapped: string[] = [];
    const wrapper = { wrap: async (i: { creationPath: string }) => (wrapped.push(i.creationPath), { token: 't', accessor: 'a', ttl: 30, creationTime: '', creationPath: i.creationPath }) };
    for (const path of ['secret/x', 'sys/wrapping/unwrap']) {
      const ctx = testContext(path, { wrapTtl: 30 });
      ctx.request = { wrapInfo: { ttl: 30, format: '' } } as never;
      ctx.response = { data: { a: 1 } };
      ctx.result = { requestId: 'r', response: ctx.response };
      await wrapStage(wrapper as never)(ctx, done);
    }
    assert.deepEqual(wrapped, ['secret/x']);
  });
});
