import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../errors.js';
import { createBackend } from '../framework/backend.js';
import type { BackendConfig } from '../logical/backend.js';
import { staticSystemView } from '../logical/system-view.js';
import { getJson, putJson } from '../storage/storage.js';
import { createTestBackend } from './test-backend.js';

/** A factory that records what the harness hands it. */
function factory(seen: BackendConfig[]) {
  return async (conf: BackendConfig) => {
    seen.push(conf);
    return createBackend({
      type: 'logical',
      help: 'Notes engine.',
      initialize: async ({ storage }) => putJson(storage, 'initialized', true),
      paths: [
        {
          pattern: 'notes/?$',
          operations: { list: async (req) => ({ data: { keys: await req.storage.list('note/') } }) },
        },
        {
          pattern: 'notes/(?<name>\\w+)',
          fields: { text: { type: 'string' } },
          existenceCheck: async (req, d) => (await req.storage.get(`note/${d.get<string>('name')}`)) !== null,
          operations: {
            create: async (req, d) => {
              await putJson(req.storage, `note/${d.get<string>('name')}`, { text: d.get('text'), op: 'create', mount: req.mountPoint });
              return null;
            },
            update: async (req, d) => {
              await putJson(req.storage, `note/${d.get<string>('name')}`, { text: d.get('text'), op: 'update', mount: req.mountPoint });
              return null;
            },
            read: async (req, d) => {
              const note = await getJson<Record<string, unknown>>(req.storage, `note/${d.get<string>('name')}`);
              return note ? { data: note } : null;
            },
            delete: async (req, d) => {
              await req.storage.delete(`note/${d.get<string>('name')}`);
              return null;
            },
          },
          helpSynopsis: 'Read and write notes.',
        },
      ],
    });
  };
}

describe('createTestBackend', () => {
  it('builds from a factory with config and system view, and initializes the backend', async () => {
    const seen: BackendConfig[] = [];
    const system = staticSystemView({ defaultLeaseTtl: 60 });
    const t = await createTestBackend(factory(seen), { config: { version: '2' }, system });
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.config, { version: '2' });
    assert.equal(seen[0]!.storage, t.storage);
    assert.equal(seen[0]!.system, system);
    assert.equal(await getJson(t.storage, 'initialized'), true);
  });

  it('can skip initialize', async () => {
    const t = await createTestBackend(factory([]), { initialize: false });
    assert.equal(t.storage.size, 0);
  });

  it('write picks create or update from the existence check, like the core', async () => {
    const t = await createTestBackend(factory([]), { mountPoint: 'notes-mount/' });
    await t.write('notes/a', { text: 'one' });
    assert.deepEqual((await t.read('notes/a'))?.data, { text: 'one', op: 'create', mount: 'notes-mount/' });
    await t.write('notes/a', { text: 'two' });
    assert.deepEqual((await t.read('notes/a'))?.data, { text: 'two', op: 'update', mount: 'notes-mount/' });
    assert.deepEqual((await t.list('notes/'))?.data, { keys: ['a'] });
    assert.deepEqual(await t.existence('notes/a'), { checkFound: true, exists: true });
    await t.delete('notes/a');
    assert.equal(await t.read('notes/a'), null);
  });

  it('throws the CofferError the backend raised', async () => {
    const t = await createTestBackend(factory([]));
    await assert.rejects(t.read('unknown'), (err: unknown) => isCofferError(err) && err.status === 404);
    await assert.rejects(t.request('patch', 'notes/a'), (err: unknown) => isCofferError(err) && err.status === 405);
  });

  it('returns help text and accepts a ready-made backend', async () => {
    const backend = await factory([])({} as BackendConfig);
    const t = await createTestBackend(backend, { initialize: false });
    assert.equal(t.backend, backend);
    assert.match(await t.help(''), /^Notes engine\./);
    assert.match(await t.help('notes/x'), /Read and write notes\./);
  });

  it('makeRequest fills the fields a core request carries', async () => {
    const t = await createTestBackend(factory([]), { mountType: 'notes' });
    const req = t.makeRequest('read', 'notes/a', { x: 1 }, { clientToken: 'other' });
    assert.equal(req.storage, t.storage);
    assert.equal(req.mountPoint, 'test/');
    assert.equal(req.mountType, 'notes');
    assert.equal(req.clientToken, 'other');
    assert.deepEqual(req.data, { x: 1 });
    assert.equal(typeof req.id, 'string');
  });
});
