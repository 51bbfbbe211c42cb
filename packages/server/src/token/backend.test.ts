import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemStorage, isCofferError, makeRequest, type Backend, type Operation, type Response } from '@coffer/sdk';
import { createTokenBackend } from './backend.js';
import { tokenHarness, type TokenHarness } from './test-support.js';

interface Env extends TokenHarness {
  backend: Backend;
  rootToken: string;
  sudo: Set<string>;
  call(op: Operation, path: string, token: string, data?: Record<string, unknown>): Promise<Response | null>;
}

async function env(): Promise<Env> {
  const h = tokenHarness();
  const sudo = new Set<string>();
  const backend = createTokenBackend(h.store, { hasSudo: (req) => sudo.has(req.clientToken) });
  const root = await h.store.createRootToken();
  const call = async (op: Operation, path: string, token: string, data: Record<string, unknown> = {}): Promise<Response | null> => {
    const req = makeRequest({ operation: op, path, data, storage: new InmemStorage(), clientToken: token, mountPoint: 'auth/token/' });
    if (req.operation === 'update') {
      const check = await backend.handleExistenceCheck(req);
      if (check.checkFound && !check.exists) req.operation = 'create';
    }
    return backend.handleRequest(req);
  };
  return { ...h, backend, rootToken: root.id, sudo, call };
}

async function fails(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isCofferError(err), `expected a CofferError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.message, message);
    return true;
  });
}

describe('auth/token backend', () => {
  it('creates tokens and answers with an auth block', async () => {
    const e = await env();
    const resp = await e.call('update', 'create', e.rootToken, { policies: 'a,b', ttl: '1h', meta: { app: 'x' }, display_name: 'ci' });
    const auth = resp!.auth!;
    assert.match(auth.clientToken!, /^hvs\./);
    assert.deepEqual(auth.policies, ['a', 'b', 'default']);
    assert.deepEqual(auth.tokenPolicies, ['a', 'b', 'default']);
    assert.deepEqual(auth.metadata, { app: 'x' });
    assert.equal(auth.ttl, 3600);
    assert.equal(auth.renewable, true);
    assert.equal(auth.tokenType, 'service');
    assert.equal(auth.orphan, false);
    assert.equal(auth.numUses, 0);
    assert.equal(auth.entityId, '');
    assert.equal(resp!.warnings, undefined);

    const orphan = await e.call('update', 'create-orphan', auth.clientToken!, {});
    assert.equal(orphan!.auth!.orphan, true);
    await fails(e.call('update', 'create', auth.clientToken!, { no_parent: true }), 'invalid_request', 'root or sudo privileges required to create orphan token');
    e.sudo.add(auth.clientToken!);
    const sudoOrphan = await e.call('update', 'create', auth.clientToken!, { no_parent: true, policies: ['z'] });
    assert.equal(sudoOrphan!.auth!.orphan, true);
    assert.deepEqual(sudoOrphan!.auth!.policies, ['default', 'z']);
    const batch = await e.call('update', 'create', e.rootToken, { type: 'batch', policies: ['a'], ttl: 60 });
    assert.match(batch!.auth!.clientToken!, /^hvb\./);
    await fails(e.call('update', 'create', '', {}), 'invalid_request', 'parent token lookup failed: no parent found');
  });

  it("looks tokens up with Vault's fields", async () => {
    const e = await env();
    const created = (await e.call('update', 'create', e.rootToken, { policies: ['a'], ttl: 600 }))!.auth!;
    const self = await e.call('read', 'lookup-self', created.clientToken!);
    assert.equal(self!.data!['id'], created.clientToken);
    assert.equal(self!.data!['accessor'], created.accessor);
    assert.equal(self!.data!['ttl'], 600);
    assert.equal(self!.data!['renewable'], true);
    assert.deepEqual(
      Object.keys(self!.data!).sort(),
      ['accessor', 'creation_time', 'creation_ttl', 'display_name', 'entity_id', 'expire_time', 'explicit_max_ttl', 'id', 'issue_time', 'meta', 'num_uses', 'orphan', 'path', 'policies', 'renewable', 'ttl', 'type'],
    );
    const other = await e.call('update', 'lookup', e.rootToken, { token: created.clientToken });
    assert.equal(other!.data!['id'], created.clientToken);
    const byAccessor = await e.call('update', 'lookup-accessor', e.rootToken, { accessor: created.accessor });
    assert.equal(byAccessor!.data!['id'], '');
    assert.equal(byAccessor!.data!['accessor'], created.accessor);
    await fails(e.call('update', 'lookup', e.rootToken, { token: 'hvs.bogus' }), 'permission_denied', 'bad token');
    await fails(e.call('update', 'lookup-accessor', e.rootToken, { accessor: 'nope' }), 'invalid_request', 'invalid accessor');
    await fails(e.call('update', 'lookup-accessor', e.rootToken, {}), 'invalid_request', 'missing accessor');
  });

  it('renews tokens, by id, self and accessor', async () => {
    const e = await env();
    const created = (await e.call('update', 'create', e.rootToken, { policies: ['a'], ttl: 600 }))!.auth!;
    const self = await e.call('update', 'renew-self', created.clientToken!, { increment: '20m' });
    assert.equal(self!.auth!.ttl, 1200);
    assert.equal(self!.auth!.clientToken, created.clientToken);
    const byAccessor = await e.call('update', 'renew-accessor', e.rootToken, { accessor: created.accessor, increment: 60 });
    assert.equal(byAccessor!.auth!.clientToken, '');
    assert.equal(byAccessor!.auth!.ttl, 60);
    await fails(e.call('update', 'renew', e.rootToken, {}), 'invalid_request', 'missing token ID');
    await fails(e.call('update', 'renew', e.rootToken, { token: 'hvs.nope' }), 'invalid_request', 'token not found');
  });

  it('revokes tokens, by id, self, accessor and orphan', async () => {
    const e = await env();
    const mk = async (parent = e.rootToken) => (await e.call('update', 'create', parent, { policies: ['a'] }))!.auth!;
    const a = await mk();
    assert.equal(await e.call('update', 'revoke', e.rootToken, { token: a.clientToken }), null);
    assert.equal(await e.store.lookup(a.clientToken!), null);
    assert.equal(await e.call('update', 'revoke', e.rootToken, { token: 'hvs.unknown' }), null, 'unknown tokens revoke quietly');

    const b = await mk();
    await e.call('update', 'revoke-self', b.clientToken!);
    assert.equal(await e.store.lookup(b.clientToken!), null);

    const c = await mk();
    await e.call('update', 'revoke-accessor', e.rootToken, { accessor: c.accessor });
    assert.equal(await e.store.lookup(c.clientToken!), null);
    const none = await e.call('update', 'revoke-accessor', e.rootToken, { accessor: c.accessor });
    assert.deepEqual(none!.warnings, ['No token found with this accessor']);

    const parent = await mk();
    const child = await mk(parent.clientToken);
    await fails(e.call('update', 'revoke-orphan', parent.clientToken!, { token: parent.clientToken }), 'invalid_request', 'root or sudo privileges required to revoke and orphan');
    e.sudo.add(e.rootToken);
    await e.call('update', 'revoke-orphan', e.rootToken, { token: parent.clientToken });
    assert.equal(await e.store.lookup(parent.clientToken!), null);
    assert.equal((await e.store.lookup(child.clientToken!))!.parent, '');
    await fails(e.call('update', 'revoke-orphan', e.rootToken, { token: 'hvs.nope' }), 'invalid_request', 'token to revoke not found');
  });

  it('manages roles and creates tokens against them', async () => {
    const e = await env();
    assert.equal(await e.call('update', 'roles/web', e.rootToken, { allowed_policies: 'web,read', orphan: true, token_period: '1h', path_suffix: 'v-two' }), null);
    const read = await e.call('read', 'roles/web', e.rootToken);
    assert.deepEqual(read!.data, {
      allowed_entity_aliases: null,
      allowed_policies: ['read', 'web'],
      allowed_policies_glob: [],
      disallowed_policies: [],
      disallowed_policies_glob: [],
      explicit_max_ttl: 0,
      name: 'web',
      orphan: true,
      path_suffix: 'v-two',
      period: 0,
      renewable: true,
      token_explicit_max_ttl: 0,
      token_no_default_policy: false,
      token_period: 3600,
      token_type: 'default-service',
    });
    await e.call('update', 'roles/web', e.rootToken, { renewable: false });
    assert.equal((await e.call('read', 'roles/web', e.rootToken))!.data!['renewable'], false);
    assert.equal((await e.call('read', 'roles/web', e.rootToken))!.data!['orphan'], true, 'an update keeps fields it does not send');
    assert.deepEqual((await e.call('list', 'roles/', e.rootToken))!.data, { keys: ['web'] });

    const token = (await e.call('update', 'create/web', e.rootToken, {}))!.auth!;
    assert.deepEqual(token.policies, ['default', 'read', 'web']);
    assert.equal(token.orphan, true);
    assert.equal(token.period, 3600);
    assert.equal(token.renewable, false);
    const lookup = await e.call('read', 'lookup-self', token.clientToken!);
    assert.equal(lookup!.data!['path'], 'auth/token/create/web/v-two');
    assert.equal(lookup!.data!['role'], 'web');
    await fails(e.call('update', 'create/nope', e.rootToken, {}), 'invalid_request', 'unknown role nope');
    await fails(e.call('update', 'roles/bad', e.rootToken, { token_type: 'batch' }), 'invalid_request', "'token_type' cannot be 'batch' when role is set to generate non-orphan tokens");
    await e.call('delete', 'roles/web', e.rootToken);
    assert.equal(await e.call('read', 'roles/web', e.rootToken), null);
  });

  it('lists accessors and starts a tidy', async () => {
    const e = await env();
    const a = (await e.call('update', 'create', e.rootToken, { policies: ['a'] }))!.auth!;
    const list = await e.call('list', 'accessors/', e.rootToken);
    assert.ok((list!.data!['keys'] as string[]).includes(a.accessor!));
    assert.deepEqual(e.backend.specialPaths().root, ['revoke-orphan/*', 'accessors*']);
    const tidy = await e.call('update', 'tidy', e.rootToken);
    assert.equal(tidy!.statusCode, 202);
    assert.equal(tidy!.warnings!.length, 1);
  });
});
