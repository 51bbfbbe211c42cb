import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { assertRejectsWithCode as rejects, createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { startTestProvider, type TestProvider } from '../../../../test/support/oidc-test-provider.js';
import { createJwtBackend } from './index.js';

const REDIRECT = 'http://localhost:8250/oidc/callback';
/** The CLI listens on a port of its own: loopback redirect URIs match on any port. */
const CLI_REDIRECT = 'http://localhost:51234/oidc/callback';

let provider: TestProvider;
let clock = Date.now();
let t: TestBackend;

before(async () => {
  provider = await startTestProvider({ redirectUris: [REDIRECT, CLI_REDIRECT] });
});
after(async () => provider.close());

beforeEach(async () => {
  clock = Date.now();
  provider.tamperIdToken = undefined;
  provider.user = {
    sub: 'alice-id',
    idTokenClaims: { email: 'alice@example.com' },
    userinfoClaims: { groups: ['engineering', 'oncall'] },
  };
  t = await createTestBackend((conf) => createJwtBackend(conf, { now: () => clock }), { mountPoint: 'auth/oidc/', mountType: 'oidc' });
  await t.write('config', {
    oidc_discovery_url: provider.issuer,
    oidc_client_id: provider.client.clientId,
    oidc_client_secret: provider.client.clientSecret,
    default_role: 'web',
  });
  await t.write('role/web', {
    allowed_redirect_uris: [REDIRECT],
    user_claim: 'email',
    groups_claim: 'groups',
    claim_mappings: { email: 'email' },
    oidc_scopes: 'email,profile',
    token_policies: 'reader',
  });
});

const unauth = { unauthenticated: true, connection: { remoteAddress: '127.0.0.1' } };

async function authUrl(data: Record<string, unknown>): Promise<URL> {
  const resp = await t.write('oidc/auth_url', data, unauth);
  const url = String(resp?.data?.['auth_url'] ?? '');
  assert.notEqual(url, '', `auth_url is empty: ${JSON.stringify(resp?.warnings)}`);
  return new URL(url);
}

/** The browser's part: follow the auth URL to the provider, which logs the user in and redirects back. */
async function browserVisits(url: URL): Promise<URLSearchParams> {
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get('location')!).searchParams;
}

describe('OIDC browser flow', () => {
  it('goes from auth_url through the provider to a token, with PKCE, nonce and userinfo', async () => {
    const url = await authUrl({ role: 'web', redirect_uri: CLI_REDIRECT, client_nonce: 'cli-nonce' });
    assert.equal(url.origin + url.pathname, `${provider.issuer}/authorize`);
    const q = url.searchParams;
    assert.equal(q.get('client_id'), provider.client.clientId);
    assert.equal(q.get('redirect_uri'), CLI_REDIRECT);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('scope'), 'openid email profile');
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.ok((q.get('state') ?? '').length >= 40 && (q.get('nonce') ?? '').length >= 40);

    const back = await browserVisits(url);
    assert.equal(back.get('state'), q.get('state'));
    const resp = await t.read('oidc/callback', { state: back.get('state'), code: back.get('code'), client_nonce: 'cli-nonce' });
    const auth = resp?.auth;
    assert.ok(auth);
    assert.equal(auth.displayName, 'alice@example.com');
    assert.deepEqual(auth.alias, { name: 'alice@example.com', metadata: { email: 'alice@example.com', role: 'web' } });
    assert.deepEqual(auth.groupAliases, [{ name: 'engineering' }, { name: 'oncall' }], 'groups come from userinfo');
    assert.deepEqual(auth.policies, ['reader']);

    // The token request carried the PKCE verifier whose hash went out in the auth URL.
    const tokenRequest = provider.tokenRequests.at(-1)!;
    assert.equal(createHash('sha256').update(tokenRequest.get('code_verifier') ?? '').digest('base64url'), q.get('code_challenge'));
    assert.equal(tokenRequest.get('client_secret'), null, 'the secret went in the Authorization header (client_secret_basic)');

    // A state is single-use.
    await rejects(
      t.read('oidc/callback', { state: back.get('state'), code: back.get('code'), client_nonce: 'cli-nonce' }),
      'invalid_request',
      'Vault login failed. Expired or missing OAuth state.',
    );
  });

  it('also finishes with a POST, without a client nonce', async () => {
    const back = await browserVisits(await authUrl({ redirect_uri: REDIRECT }));
    const resp = await t.write('oidc/callback', { state: back.get('state'), code: back.get('code') }, unauth);
    assert.equal(resp?.auth?.alias?.name, 'alice@example.com');
  });

  it('expires a state after five minutes', async () => {
    const back = await browserVisits(await authUrl({ role: 'web', redirect_uri: REDIRECT }));
    clock += 5 * 60_000 + 1;
    await rejects(t.read('oidc/callback', { state: back.get('state'), code: back.get('code') }), 'invalid_request', 'Vault login failed. Expired or missing OAuth state.');
  });

  it('keeps the state in the mount\'s storage under its hash: another node finishes the login, the periodic function drops expired ones', async () => {
    const url = await authUrl({ role: 'web', redirect_uri: REDIRECT });
    const state = url.searchParams.get('state')!;
    const stored = await t.storage.list('oidc_state/');
    assert.deepEqual(stored, [createHash('sha256').update(state).digest('base64url')], 'stored by the SHA-256 of the state, not the state');
    const entry = (await t.storage.get(`oidc_state/${stored[0]}`))!.value.toString('utf8');
    assert.ok(!entry.includes(state));

    // A second backend on the same storage stands for another node of the cluster.
    const other = await createTestBackend((conf) => createJwtBackend(conf, { now: () => clock }), { mountPoint: 'auth/oidc/', mountType: 'oidc', storage: t.storage });
    const back = await browserVisits(url);
    const resp = await other.read('oidc/callback', { state: back.get('state'), code: back.get('code') });
    assert.equal(resp?.auth?.alias?.name, 'alice@example.com');
    assert.deepEqual(await t.storage.list('oidc_state/'), [], 'the state is used up');

    await authUrl({ role: 'web', redirect_uri: REDIRECT });
    await t.request('rollback', '');
    assert.equal((await t.storage.list('oidc_state/')).length, 1, 'a live state survives the periodic function');
    clock += 5 * 60_000;
    await t.request('rollback', '');
    assert.deepEqual(await t.storage.list('oidc_state/'), [], 'an expired one does not');
  });

  it('requires the client nonce given to auth_url', async () => {
    const back = await browserVisits(await authUrl({ role: 'web', redirect_uri: REDIRECT, client_nonce: 'mine' }));
    await rejects(t.read('oidc/callback', { state: back.get('state'), code: back.get('code'), client_nonce: 'theirs' }), 'invalid_request', 'invalid client_nonce');
  });

  it('refuses an ID token with the wrong nonce or audience', async () => {
    provider.tamperIdToken = (claims) => ({ ...claims, nonce: 'replayed' });
    let back = await browserVisits(await authUrl({ role: 'web', redirect_uri: REDIRECT }));
    await rejects(
      t.read('oidc/callback', { state: back.get('state'), code: back.get('code') }),
      'invalid_request',
      'Vault login failed. Error exchanging oidc code: "invalid id_token nonce".',
    );
    provider.tamperIdToken = (claims) => ({ ...claims, aud: 'someone-else' });
    back = await browserVisits(await authUrl({ role: 'web', redirect_uri: REDIRECT }));
    await rejects(
      t.read('oidc/callback', { state: back.get('state'), code: back.get('code') }),
      'invalid_request',
      'Vault login failed. Error exchanging oidc code: "id_token audience does not include the client ID".',
    );
  });

  it('reports a code the provider refuses', async () => {
    const url = await authUrl({ role: 'web', redirect_uri: REDIRECT });
    await rejects(
      t.read('oidc/callback', { state: url.searchParams.get('state'), code: 'made-up' }),
      'invalid_request',
      'Vault login failed. Error exchanging oidc code: "invalid_grant: authorization code is invalid or was already used".',
    );
    await rejects(t.read('oidc/callback', { state: (await authUrl({ redirect_uri: REDIRECT })).searchParams.get('state') }), 'invalid_request', 'Vault login failed. No code or id_token received.');
  });

  it('applies bound claims to the merged claims', async () => {
    await t.write('role/web', { bound_claims: { groups: 'admins' } });
    const back = await browserVisits(await authUrl({ role: 'web', redirect_uri: REDIRECT }));
    await rejects(
      t.read('oidc/callback', { state: back.get('state'), code: back.get('code') }),
      'invalid_request',
      'error validating claims: claim "groups" does not match any associated bound claim values',
    );
  });

  it('gives an empty auth_url for a redirect URI the role does not allow', async () => {
    const resp = await t.write('oidc/auth_url', { role: 'web', redirect_uri: 'https://evil.example/cb' }, unauth);
    assert.equal(resp?.data?.['auth_url'], '');
    assert.match(resp?.warnings?.[0] ?? '', /not in the allowed_redirect_uris/);
    await rejects(t.write('oidc/auth_url', { role: 'web' }, unauth), 'invalid_request', 'missing redirect_uri');
    await rejects(t.write('oidc/auth_url', { role: 'nope', redirect_uri: REDIRECT }, unauth), 'invalid_request', 'role "nope" could not be found');
  });

  it('refuses the flow on a mount configured for JWTs only', async () => {
    await t.write('config', { jwks_url: provider.jwksUrl });
    await rejects(t.write('oidc/auth_url', { role: 'web', redirect_uri: REDIRECT }, unauth), 'invalid_request', 'OIDC login is not configured for this mount');
  });
});
