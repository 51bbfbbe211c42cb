import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InmemStorage, type Backend, type BackendFactory } from '@coffer/sdk';
import type { BuiltinPlugin } from '@coffer/builtin';
import type { CatalogEntry } from './catalog-entry.js';
import { PluginCatalog } from './catalog.js';
import { canonicalVersion, isBuiltinVersion } from './plugin-version.js';
import { rejectsWith } from './testdata/helpers.js';

const factory: BackendFactory = async () => ({}) as Backend;
const builtins: BuiltinPlugin[] = [
  { type: 'secret', name: 'azure', factory, version: '0.1.0', deprecationStatus: 'supported' },
  { type: 'auth', name: 'userpass', factory, version: '0.2.0', deprecationStatus: 'supported' },
  { type: 'database', name: 'postgresql-database-plugin', factory, version: '0.1.0', deprecationStatus: 'deprecated' },
];

function entry(partial: Partial<CatalogEntry> & Pick<CatalogEntry, 'name' | 'version'>): CatalogEntry {
  return { type: 'secret', command: partial.name, args: [], env: ['TOKEN=do-not-show'], sha256: 'ab'.repeat(32), ...partial };
}

function newCatalog(): PluginCatalog {
  return new PluginCatalog({ barrier: new InmemStorage(), builtins });
}

describe('plugin versions', () => {
  it('canonicalises versions as Vault does and recognises built-in ones', () => {
    assert.equal(canonicalVersion('1.2.3'), 'v1.2.3');
    assert.equal(canonicalVersion('v1.2'), 'v1.2.0');
    assert.equal(canonicalVersion('1.0.0-beta.1+ent'), 'v1.0.0-beta.1+ent');
    assert.equal(canonicalVersion(''), '');
    assert.ok(isBuiltinVersion('v0.1.0+builtin'));
    assert.ok(isBuiltinVersion('v1.15.0+builtin.vault'));
    assert.ok(!isBuiltinVersion('v1.0.0+ent'));
    assert.throws(() => canonicalVersion('one.two'), /not a valid semantic version/);
  });
});

describe('catalog lookup rules', () => {
  it('an unversioned registration overrides a built-in, and deregistering it brings the built-in back', async () => {
    const catalog = newCatalog();
    assert.deepEqual(await catalog.get('secret', 'azure', ''), { builtin: true, type: 'secret', name: 'azure', version: 'v0.1.0+builtin', deprecationStatus: 'supported' });

    await catalog.register(entry({ name: 'azure', version: '', command: 'azure_new' }));
    const overridden = await catalog.get('secret', 'azure', '');
    assert.equal(overridden?.builtin, false);
    assert.equal(overridden && !overridden.builtin && overridden.entry.command, 'azure_new');
    // The built-in's own version still names the built-in.
    assert.equal((await catalog.get('secret', 'azure', 'v0.1.0+builtin'))?.builtin, true);

    assert.deepEqual(await catalog.deregister('secret', 'azure', ''), {});
    assert.equal((await catalog.get('secret', 'azure', ''))?.builtin, true);
  });

  it('finds exactly the version asked for, and nothing for an unknown one', async () => {
    const catalog = newCatalog();
    await catalog.register(entry({ name: 'my-plugin', version: 'v1.0.0', command: 'my-plugin-1' }));
    await catalog.register(entry({ name: 'my-plugin', version: 'v1.1.0', command: 'my-plugin-1.1' }));
    const found = await catalog.get('secret', 'my-plugin', '1.0.0');
    assert.equal(found && !found.builtin && found.entry.command, 'my-plugin-1');
    assert.equal(await catalog.get('secret', 'my-plugin', 'v2.0.0'), null);
    assert.equal(await catalog.get('auth', 'my-plugin', 'v1.0.0'), null, 'types are separate namespaces');
  });

  it('mounts without a version run the unversioned registration, else the built-in, else the newest version', async () => {
    const catalog = newCatalog();
    assert.equal((await catalog.resolveForMount('secret', 'azure', ''))?.builtin, true);
    assert.equal(await catalog.resolveForMount('secret', 'nothing', ''), null);

    await catalog.register(entry({ name: 'ext', version: 'v1.2.0' }));
    await catalog.register(entry({ name: 'ext', version: 'v1.10.0' }));
    await catalog.register(entry({ name: 'ext', version: 'v1.9.0' }));
    assert.equal((await catalog.resolveForMount('secret', 'ext', ''))?.version, 'v1.10.0', 'semantic order, not string order');

    await catalog.register(entry({ name: 'ext', version: '' }));
    assert.equal((await catalog.resolveForMount('secret', 'ext', ''))?.version, '');
    assert.equal((await catalog.resolveForMount('secret', 'ext', 'v1.2.0'))?.version, 'v1.2.0');
  });

  it('records the version a new mount gets as Vault does: unversioned, else newest registered, else the built-in', async () => {
    const catalog = newCatalog();
    assert.equal(await catalog.versionForNewMount('secret', 'azure'), '');
    await catalog.register(entry({ name: 'azure', version: 'v0.3.0' }));
    await catalog.register(entry({ name: 'azure', version: 'v0.2.0' }));
    assert.equal(await catalog.versionForNewMount('secret', 'azure'), 'v0.3.0');
    await catalog.register(entry({ name: 'azure', version: '' }));
    assert.equal(await catalog.versionForNewMount('secret', 'azure'), '');
  });

  it('a pin replaces the version a mount asked for', async () => {
    const catalog = newCatalog();
    await catalog.register(entry({ name: 'ext', version: 'v1.0.0' }));
    await catalog.register(entry({ name: 'ext', version: 'v2.0.0' }));
    assert.deepEqual(await catalog.setPin('secret', 'ext', '1.0.0'), { type: 'secret', name: 'ext', version: 'v1.0.0' });
    assert.equal((await catalog.resolveForMount('secret', 'ext', 'v2.0.0'))?.version, 'v1.0.0');
    assert.equal((await catalog.resolveForMount('secret', 'ext', ''))?.version, 'v1.0.0');
    await catalog.pins.delete('secret', 'ext');
    assert.equal((await catalog.resolveForMount('secret', 'ext', 'v2.0.0'))?.version, 'v2.0.0');
  });

  it('a versioned mount of a missing version fails with a clear 400', async () => {
    const catalog = newCatalog();
    await rejectsWith(catalog.resolveForMount('secret', 'ext', 'v9.9.9'), 'invalid_request', /plugin not found in the catalog: ext .*v9\.9\.9/);
  });

  it('asking for the built-in version of an overridden built-in is refused', async () => {
    const catalog = newCatalog();
    await catalog.register(entry({ name: 'azure', version: '' }));
    await rejectsWith(catalog.resolveForMount('secret', 'azure', 'v0.1.0+builtin'), 'invalid_request', /overridden by an unversioned registration/);
  });
});

describe('catalog listing', () => {
  it('lists names by type and a detailed list without overridden built-ins', async () => {
    const catalog = newCatalog();
    await catalog.register(entry({ name: 'azure', version: '' }));
    await catalog.register(entry({ name: 'custom', version: 'v1.0.0' }));
    await catalog.register(entry({ name: 'custom-auth', version: '', type: 'auth' }));
    assert.deepEqual(await catalog.names('secret'), ['azure', 'custom']);
    assert.deepEqual(await catalog.names('auth'), ['custom-auth', 'userpass']);
    assert.deepEqual(await catalog.names('database'), ['postgresql-database-plugin']);
    assert.deepEqual(await catalog.detailed(), [
      { type: 'auth', name: 'custom-auth', version: '', builtin: false, sha256: 'ab'.repeat(32) },
      { type: 'auth', name: 'userpass', version: 'v0.2.0+builtin', builtin: true, deprecation_status: 'supported' },
      { type: 'database', name: 'postgresql-database-plugin', version: 'v0.1.0+builtin', builtin: true, deprecation_status: 'deprecated' },
      { type: 'secret', name: 'azure', version: '', builtin: false, sha256: 'ab'.repeat(32) },
      { type: 'secret', name: 'custom', version: 'v1.0.0', builtin: false, sha256: 'ab'.repeat(32) },
    ]);
  });
});

describe('deregistering and pinning', () => {
  it('refuses to delete a built-in version or a pinned version, and warns when only a built-in has the name', async () => {
    const catalog = newCatalog();
    await rejectsWith(catalog.deregister('secret', 'azure', 'v0.1.0+builtin'), 'invalid_request', /built into the server and cannot be deregistered/);
    const { warning } = await catalog.deregister('secret', 'azure', '');
    assert.match(warning ?? '', /built into the server .* nothing was changed/);
    assert.equal((await catalog.get('secret', 'azure', ''))?.builtin, true);

    await catalog.register(entry({ name: 'ext', version: 'v1.0.0' }));
    await catalog.setPin('secret', 'ext', 'v1.0.0');
    await rejectsWith(catalog.deregister('secret', 'ext', 'v1.0.0'), 'invalid_request', /is pinned: delete the pin/);
    await catalog.pins.delete('secret', 'ext');
    await catalog.deregister('secret', 'ext', 'v1.0.0');
    assert.equal(await catalog.get('secret', 'ext', 'v1.0.0'), null);
    // Deregistering what is not registered succeeds, as in Vault.
    assert.deepEqual(await catalog.deregister('secret', 'never-registered', ''), {});
  });

  it('pins only registered, non-built-in versions', async () => {
    const catalog = newCatalog();
    await rejectsWith(catalog.setPin('secret', 'azure', 'v0.1.0+builtin'), 'invalid_request', /cannot pin the built-in version/);
    await rejectsWith(catalog.setPin('secret', 'ext', 'v1.0.0'), 'invalid_request', /not registered: register it before pinning/);
    await rejectsWith(catalog.setPin('secret', 'ext', ''), 'invalid_request', /missing version/);
    await catalog.register(entry({ name: 'ext', version: 'v1.0.0', type: 'auth' }));
    await catalog.setPin('auth', 'ext', 'v1.0.0');
    assert.deepEqual(await catalog.pins.all(), [{ type: 'auth', name: 'ext', version: 'v1.0.0' }]);
  });
});
