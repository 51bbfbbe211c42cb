import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { beforeEach, describe, it } from 'node:test';
import { InmemStorage, silentLogger, type Response } from '@coffer/sdk';
import { createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { createIdentityBackend } from '../backend.js';
import { entityForLogin } from '../login.js';
import { IdentityStore } from '../store.js';

const REDIRECT = 'https://app.example/callback';
let clock = Date.now();
let t: TestBackend;
let entityId: string;
let app: { client_id: string; client_secret: string };

/** The bare JSON body of a token or userinfo answer, with its status. */
const raw = (resp: Response | null): { status: number; body: any } => ({
  status: Number(resp?.data?.['http_status_code']),
  body: JSON.parse(String(resp?.data?.['http_raw_body'])),
});

beforeEach(async () => {
  clock = Date.now();
  const storage = new InmemStorage();
  const store = new IdentityStore({
    storage: () => storage,
    mountByAccessor: (accessor) => ({ accessor, type: 'userpass', path: 'auth/userpass/', local: false }),
    logger: silentLogger,
    now: () => clock,
    serverAddress: 'https://coffer.example',
  });
  await store.load();
  t = await createTestBackend(createIdentityBackend(store), { storage, mountPoint: 'identity/', mountType: 'identity' });
  entityId = (await entityForLogin(store, { mountAccessor: 'auth_userpass_1', alias: { name: 'uma' } })).id;
  await t.write('oidc/assignment/people', { entity_ids: [entityId] });
  await t.write('oidc/client/app', { redirect_uris: [REDIRECT], assignments: ['people'], access_token_ttl: '1h' });
  app = (await t.read('oidc/client/app'))!.data as typeof app;
  await t.write('oidc/provider/main', { allowed_client_ids: [app.client_id] });
});

async function authorize(): Promise<string> {
  const resp = await t.request('read', 'oidc/provider/main/authorize', { client_id: app.client_id, scope: 'openid', redirect_uri: REDIRECT, response_type: 'code' }, { entityId });
  const { status, body } = raw(resp);
  assert.equal(status, 200, JSON.stringify(body));
  return body.code as string;
}

const exchange = async (code: string) =>
  raw(await t.request('update', 'oidc/provider/main/token', { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: app.client_id, client_secret: app.client_secret }));

describe('the OIDC provider\'s codes and access tokens in storage', () => {
  it('stores a code under its hash only, and hands it out once even to concurrent redemptions', async () => {
    const code = await authorize();
    assert.deepEqual(await t.storage.list('oidc/flow/code/'), [createHash('sha256').update(code).digest('base64url')]);
    const answers = await Promise.all([exchange(code), exchange(code), exchange(code)]);
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 400, 400]);
    assert.ok(answers.filter((a) => a.status === 400).every((a) => a.body.error === 'invalid_grant'));
    assert.deepEqual(await t.storage.list('oidc/flow/code/'), []);
    assert.equal((await t.storage.list('oidc/flow/access_token/')).length, 1);
  });

  it('refuses an expired code, and an expired access token at userinfo', async () => {
    const late = await authorize();
    const token = (await exchange(await authorize())).body.access_token as string;
    const userinfo = async () => raw(await t.request('read', 'oidc/provider/main/userinfo', { access_token: token }));
    assert.deepEqual((await userinfo()).body, { sub: entityId });

    clock += 5 * 60_000;
    assert.equal((await exchange(late)).body.error, 'invalid_grant');
    clock += 60 * 60_000;
    const expired = await userinfo();
    assert.equal(expired.status, 401);
    assert.equal(expired.body.error, 'invalid_token');
    assert.deepEqual(await t.storage.list('oidc/flow/'), [], 'both were removed when refused');
  });

  it('lets the periodic function remove expired codes and access tokens, and only those', async () => {
    await authorize();
    await exchange(await authorize());
    await t.request('rollback', '');
    assert.equal((await t.storage.list('oidc/flow/code/')).length, 1);
    assert.equal((await t.storage.list('oidc/flow/access_token/')).length, 1);
    clock += 5 * 60_000;
    await t.request('rollback', '');
    assert.deepEqual(await t.storage.list('oidc/flow/code/'), []);
    assert.equal((await t.storage.list('oidc/flow/access_token/')).length, 1, 'the access token lives an hour');
    clock += 60 * 60_000;
    await t.request('rollback', '');
    assert.deepEqual(await t.storage.list('oidc/flow/'), []);
  });
});
