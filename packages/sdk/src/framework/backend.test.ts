import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError, type ErrorCode } from '../errors.js';
import { makeRequest, type Request } from '../logical/request.js';
import { getJson, putJson } from '../storage/storage.js';
import { InmemStorage } from '../storage/inmem.js';
import { createTestBackend } from '../testing/index.js';
import { createBackend, type FrameworkBackend } from './backend.js';
import { genericNameRegex, matchAllRegex } from './regex.js';
import type { FieldData, FrameworkBackendOptions } from './types.js';

const rejectsWith = (code: ErrorCode, message?: RegExp) => (err: unknown) =>
  isCofferError(err) && err.code === code && (message === undefined || message.test(err.message));

/** A small engine: roles with an existence check, a catch-all, leases. */
function rolesBackend(extra: Partial<FrameworkBackendOptions> = {}): FrameworkBackend {
  const calls: string[] = [];
  const backend: FrameworkBackend = createBackend({
    type: 'logical',
    help: 'The roles engine keeps roles and hands out credentials.',
    pathsSpecial: { root: ['config/root'], unauthenticated: ['login'] },
    paths: [
      {
        pattern: 'roles/?$',
        operations: {
          list: async (req) => ({ data: { keys: await req.storage.list('role/') } }),
        },
        helpSynopsis: 'List roles.',
      },
      {
        pattern: `roles/${genericNameRegex('name')}`,
        fields: {
          name: { type: 'string', description: 'Name of the role.' },
          ttl: { type: 'duration', description: 'Lease TTL.', default: '1h' },
          policies: { type: 'comma-string-slice', description: 'Policies to attach.', required: true },
        },
        existenceCheck: async (req, data) => (await req.storage.get(`role/${data.get<string>('name')}`)) !== null,
        operations: {
          create: { callback: writeRole, summary: 'Create a role.' },
          update: { callback: writeRole, summary: 'Update a role.' },
          read: async (req, data) => {
            const role = await getJson<Record<string, unknown>>(req.storage, `role/${data.get<string>('name')}`);
            return role ? { data: role } : null;
          },
          delete: async (req, data) => {
            await req.storage.delete(`role/${data.get<string>('name')}`);
            return null;
          },
        },
        helpSynopsis: 'Manage roles.',
        helpDescription: 'A role decides which policies the credentials get.',
      },
      {
        pattern: `creds/${genericNameRegex('name')}`,
        operations: {
          read: async (_req, data) => backend.secretResponse('creds', { username: `u-${data.get<string>('name')}` }, { role: data.get('name') }),
        },
      },
      {
        pattern: 'first/(?<rest>.*)',
        operations: { read: async (_r, d) => ({ data: { route: 'first', rest: d.get('rest') } }) },
      },
      {
        pattern: 'first/second',
        operations: { read: async () => ({ data: { route: 'second' } }) },
      },
      {
        pattern: 'echo',
        fields: { known: { type: 'string' } },
        operations: {
          update: async (_r, d) => ({ data: { known: d.get('known') } }),
          delete: async () => null,
        },
      },
      {
        pattern: 'arbitrary',
        takesArbitraryInput: true,
        operations: { update: async (req) => ({ data: { ...req.data } }) },
      },
      {
        pattern: `files/${matchAllRegex('path')}`,
        fields: { path: { type: 'string' } },
        operations: { read: async (_r, d) => ({ data: { path: d.get('path') } }) },
      },
    ],
    secrets: [
      {
        type: 'creds',
        defaultDuration: 600,
        fields: { username: { type: 'string' } },
        renew: async (req) => {
          calls.push(`renew:${String(req.secret?.internalData['role'])}`);
          return { secret: { ...req.secret!, ttl: 1200 } };
        },
        revoke: async (req) => {
          calls.push(`revoke:${String(req.secret?.internalData['role'])}`);
          return null;
        },
      },
      { type: 'static', defaultDuration: 0 },
    ],
    ...extra,
  });
  (backend as unknown as { calls: string[] }).calls = calls;
  return backend;
}

async function writeRole(req: Request, data: FieldData) {
  await putJson(req.storage, `role/${data.get<string>('name')}`, {
    ttl: data.get('ttl'),
    policies: data.get('policies'),
  });
  return null;
}

describe('routing', () => {
  it('matches the whole path, in declaration order, first match wins', async () => {
    const t = await createTestBackend(rolesBackend());
    assert.deepEqual((await t.read('first/second'))?.data, { route: 'first', rest: 'second' });
    assert.deepEqual((await t.read('first/'))?.data, { route: 'first', rest: '' });
  });

  it('anchors patterns: a prefix or a longer path does not match', async () => {
    const t = await createTestBackend(rolesBackend());
    await assert.rejects(t.read('xfirst/a'), rejectsWith('unsupported_path', /^unsupported path$/));
    await assert.rejects(t.read('roles/a/b'), rejectsWith('unsupported_path'));
    await assert.rejects(t.read('nothing'), (err: unknown) => isCofferError(err) && err.status === 404);
  });

  it('refuses an operation the path does not have with 405', async () => {
    const t = await createTestBackend(rolesBackend());
    await assert.rejects(t.request('patch', 'roles/r1', {}), (err: unknown) => isCofferError(err) && err.code === 'unsupported_operation' && err.status === 405);
  });

  it('passes captures as fields and lets them win over body fields', async () => {
    const t = await createTestBackend(rolesBackend());
    const resp = await t.request('read', 'files/a/b/c', { path: 'from-body' });
    assert.equal(resp?.data?.['path'], 'a/b/c');
  });

  it('accepts Vault-style anchored patterns and undeclared captures as strings', async () => {
    const b = createBackend({
      type: 'logical',
      help: '',
      paths: [{ pattern: '^keys/(?<key>[a-z]+)$', operations: { read: async (_r, d) => ({ data: { key: d.get('key') } }) } }],
    });
    const t = await createTestBackend(b);
    assert.deepEqual((await t.read('keys/abc'))?.data, { key: 'abc' });
    await assert.rejects(t.read('keys/ABC'), rejectsWith('unsupported_path'));
  });

  it('reports an invalid pattern when the backend is built', () => {
    assert.throws(() => createBackend({ type: 'logical', help: '', paths: [{ pattern: 'bad(', operations: {} }] }), /invalid path pattern/);
  });
});

describe('fields in requests', () => {
  it('writes with converted values and defaults; create vs update by the existence check', async () => {
    const t = await createTestBackend(rolesBackend());
    assert.deepEqual(await t.existence('roles/r1'), { checkFound: true, exists: false });
    await t.write('roles/r1', { policies: 'a, b' });
    assert.deepEqual(await t.existence('roles/r1'), { checkFound: true, exists: true });
    assert.deepEqual((await t.read('roles/r1'))?.data, { ttl: 3600, policies: ['a', 'b'] });
    await t.write('roles/r1', { policies: ['c'], ttl: '5m' });
    assert.deepEqual((await t.read('roles/r1'))?.data, { ttl: 300, policies: ['c'] });
  });

  it('refuses a value that does not convert, naming the field, before the handler runs', async () => {
    const t = await createTestBackend(rolesBackend());
    await assert.rejects(
      t.request('create', 'roles/r1', { policies: 'a', ttl: 'forever' }),
      rejectsWith('invalid_request', /"ttl"/),
    );
    assert.equal(t.storage.size, 0);
  });

  it('requires required fields on create, not on a partial update of an existing object', async () => {
    const t = await createTestBackend(rolesBackend());
    await assert.rejects(t.request('create', 'roles/r1', { ttl: 60 }), (err: unknown) =>
      isCofferError(err) && err.status === 400 && /missing required field: "policies"/.test(err.message));
    await t.request('create', 'roles/r1', { policies: 'a' });
    await t.request('update', 'roles/r1', { ttl: 60 });
    assert.equal((await t.read('roles/r1'))?.data?.['ttl'], 60);
  });

  it('requires required fields on update when the path has no existence check', async () => {
    const b = createBackend({
      type: 'logical',
      help: '',
      paths: [{ pattern: 'config', fields: { url: { type: 'string', required: true } }, operations: { update: async () => null } }],
    });
    const t = await createTestBackend(b);
    await assert.rejects(t.write('config', {}), rejectsWith('invalid_request', /"url"/));
    assert.equal(await t.write('config', { url: 'x' }), null);
  });

  it('warns about parameters the path does not declare, when there is a response', async () => {
    const t = await createTestBackend(rolesBackend());
    const resp = await t.write('echo', { known: 'k', zeta: 1, alpha: 2 });
    assert.deepEqual(resp?.data, { known: 'k' });
    assert.deepEqual(resp?.warnings, ['Endpoint ignored these unrecognized parameters: [alpha zeta]']);
    assert.equal(await t.delete('echo', { stray: 1 }), null);
  });

  it('keeps warnings the handler set and adds none for takesArbitraryInput', async () => {
    const t = await createTestBackend(rolesBackend());
    const resp = await t.write('arbitrary', { anything: 'goes' });
    assert.deepEqual(resp?.data, { anything: 'goes' });
    assert.equal(resp?.warnings, undefined);
  });
});

describe('existence check', () => {
  it('reports checkFound false when the path has none, or no path matches', async () => {
    const t = await createTestBackend(rolesBackend());
    assert.deepEqual(await t.existence('echo'), { checkFound: false, exists: false });
    assert.deepEqual(await t.existence('no/such/path'), { checkFound: false, exists: false });
  });

  it('refuses bad field values in the existence check too', async () => {
    const b = createBackend({
      type: 'logical',
      help: '',
      paths: [{ pattern: 'x', fields: { n: { type: 'int' } }, existenceCheck: async () => true, operations: { update: async () => null } }],
    });
    await assert.rejects(
      b.handleExistenceCheck(makeRequest({ operation: 'update', path: 'x', storage: new InmemStorage(), data: { n: 'x' } })),
      rejectsWith('invalid_request', /"n"/),
    );
  });
});

describe('help', () => {
  it('describes a path: route, synopsis, parameters, description, and its OpenAPI', async () => {
    const t = await createTestBackend(rolesBackend());
    const resp = await t.request('help', 'roles/r1');
    const help = String(resp?.data?.['help']);
    assert.match(help, /Request:\s+roles\/r1/);
    assert.match(help, /Matching Route: \^roles\/\(\?<name>/);
    assert.match(help, /Manage roles\./);
    assert.match(help, /## PARAMETERS/);
    assert.match(help, /ttl \(duration\)\n\n {8}Lease TTL\.\n {8}Default: "1h"/);
    assert.match(help, /policies \(comma-string-slice\)/);
    assert.match(help, /## DESCRIPTION\n\nA role decides which policies/);
    const openapi = resp?.data?.['openapi'] as { openapi: string; paths: Record<string, unknown> };
    assert.equal(openapi.openapi, '3.0.2');
    assert.deepEqual(Object.keys(openapi.paths), ['/roles/{name}']);
  });

  it('on the mount root gives the backend help, its routes and the whole OpenAPI document', async () => {
    const t = await createTestBackend(rolesBackend());
    const resp = await t.request('help', '');
    const help = String(resp?.data?.['help']);
    assert.match(help, /^The roles engine keeps roles/);
    assert.match(help, /## PATHS/);
    assert.match(help, / {4}\^roles\/\?\$\n {8}List roles\./);
    const openapi = resp?.data?.['openapi'] as { paths: Record<string, unknown> };
    assert.ok(openapi.paths['/roles/']);
    assert.ok(openapi.paths['/roles/{name}']);
    assert.ok(openapi.paths['/creds/{name}']);
  });

  it('works on any matching path whatever its operations, and 404s elsewhere', async () => {
    const t = await createTestBackend(rolesBackend());
    assert.match(await t.help('creds/x'), /Request:\s+creds\/x/);
    await assert.rejects(t.help('nope'), rejectsWith('unsupported_path'));
  });
});

describe('leases', () => {
  it('secretResponse records the secret type and the default TTL', async () => {
    const t = await createTestBackend(rolesBackend());
    const resp = await t.read('creds/web');
    assert.deepEqual(resp?.data, { username: 'u-web' });
    assert.deepEqual(resp?.secret, { ttl: 600, maxTtl: 0, renewable: true, internalData: { role: 'web', secret_type: 'creds' } });
  });

  it('dispatches renew and revoke to the secret type named in internalData', async () => {
    const backend = rolesBackend();
    const t = await createTestBackend(backend);
    const { secret } = (await t.read('creds/web'))!;
    const renewed = await t.renew(secret!, 60);
    assert.equal(renewed?.secret?.ttl, 1200);
    assert.equal(await t.revoke(secret!), null);
    assert.deepEqual((backend as unknown as { calls: string[] }).calls, ['renew:web', 'revoke:web']);
  });

  it('refuses renew for a type without renew, and unknown secret types', async () => {
    const backend = rolesBackend();
    const t = await createTestBackend(backend);
    const staticSecret = backend.secretResponse('static', {}).secret!;
    assert.equal(staticSecret.renewable, false);
    await assert.rejects(t.renew(staticSecret), rejectsWith('invalid_request', /lease is not renewable/));
    await assert.rejects(t.revoke(staticSecret), rejectsWith('unsupported_operation'));
    const unknown = { ttl: 0, maxTtl: 0, renewable: true, internalData: { secret_type: 'other' } };
    await assert.rejects(t.renew(unknown), rejectsWith('unsupported_operation'));
    await assert.rejects(t.request('revoke', ''), rejectsWith('invalid_request'));
    assert.throws(() => backend.secretResponse('nope', {}), rejectsWith('internal'));
  });

  it('renews auth through authRenew, and refuses when the method has none', async () => {
    const auth = { policies: ['p'], metadata: {}, displayName: 'u', ttl: 60, maxTtl: 0, renewable: true, internalData: { user: 'u' } };
    const withRenew = await createTestBackend(
      rolesBackend({ authRenew: async (req) => ({ auth: { ...req.auth!, ttl: 120 } }) }),
    );
    assert.equal((await withRenew.renewAuth(auth))?.auth?.ttl, 120);
    const without = await createTestBackend(rolesBackend());
    await assert.rejects(without.renewAuth(auth), rejectsWith('invalid_request'));
  });
});

describe('lifecycle', () => {
  it('forwards initialize, cleanup, invalidate, rollback and the version', async () => {
    const events: string[] = [];
    const storage = new InmemStorage();
    const backend = rolesBackend({
      initialize: async ({ storage: s }) => void events.push(`init:${s === storage}`),
      clean: async () => void events.push('clean'),
      invalidate: (key) => void events.push(`invalidate:${key}`),
      periodic: async () => void events.push('periodic'),
      runningVersion: 'v1.2.3',
    });
    const t = await createTestBackend(backend, { storage });
    assert.equal(await t.request('rollback', ''), null);
    await backend.invalidateKey('role/a');
    await backend.cleanup();
    assert.deepEqual(events, ['init:true', 'periodic', 'invalidate:role/a', 'clean']);
    assert.equal(backend.pluginVersion(), 'v1.2.3');
    assert.deepEqual(backend.specialPaths(), { root: ['config/root'], unauthenticated: ['login'] });
    assert.equal(backend.type, 'logical');
    assert.equal(backend.paths.length, 8);
  });

  it('has harmless defaults when no hooks are given', async () => {
    const b = createBackend({ type: 'credential', help: '', paths: [] });
    await b.initialize({ storage: new InmemStorage() });
    await b.cleanup();
    await b.invalidateKey('x');
    assert.equal(await b.handleRequest(makeRequest({ operation: 'rollback', path: '', storage: new InmemStorage() })), null);
    assert.equal(b.pluginVersion(), '');
    assert.deepEqual(b.specialPaths(), {});
  });
});
