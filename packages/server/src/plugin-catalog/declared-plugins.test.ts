// The declarations applier on its own: real files and sha256s in a real
// plugin directory; the binary's self-description comes from a counting
// inspector (real plugin binaries are run by test/plugins/declarative.test.ts).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InmemStorage, silentLogger, type Logger } from '@coffer/sdk';
import type { ProcessLimits } from '../plugin-runtime/index.js';
import { PluginCatalog } from './catalog.js';
import { applyDeclarations, type PluginDeclaration } from './declared-plugins.js';
import { PluginDirectory } from './plugin-directory.js';
import type { PluginInspector } from './registration.js';
import { sha256Of, tempDir, writeScript } from './testdata/helpers.js';

const root = tempDir('coffer-declared-');
const dir = join(root, 'plugins');
mkdirSync(dir);
after(() => rmSync(root, { recursive: true, force: true }));

const shaV1 = sha256Of(writeScript(dir, 'kv-1.0.0', 'echo v1'));
const shaV2 = sha256Of(writeScript(dir, 'kv-2.0.0', 'echo v2'));

function setup() {
  const catalog = new PluginCatalog({ barrier: new InmemStorage(), builtins: [] });
  const inspected: string[] = [];
  // Each script says it is a secret plugin of the version in its file name.
  const inspect: PluginInspector = async (command) => {
    inspected.push(command);
    return { type: 'secret', version: `v${/(\d+\.\d+\.\d+)$/.exec(command)?.[1] ?? ''}`, backendType: 'logical', protocolVersion: 1 };
  };
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (_fields, message) => void warnings.push(message ?? '') };
  // The one runtime this "server" has.
  const resolveRuntime = async (name: string): Promise<ProcessLimits> => {
    if (name !== 'sandboxed') throw new Error(`plugin runtime "${name}" is not registered`);
    return { runtime: name, memoryBytes: 64 * 1024 * 1024, cpuNanos: 0, pidsMax: 0, cgroupParent: '', runAsUser: '', allowNetwork: false };
  };
  const apply = (declarations: PluginDeclaration[]) => applyDeclarations(declarations, { directory: new PluginDirectory(dir), inspect, resolveRuntime, catalog, logger });
  return { catalog, inspected, warnings, apply };
}

const kv = (over: Partial<PluginDeclaration> = {}): PluginDeclaration => ({
  type: 'secret',
  name: 'kv-ext',
  command: 'kv-1.0.0',
  version: 'v1.0.0',
  sha256: shaV1,
  args: [],
  env: [],
  ...over,
});

describe('applyDeclarations', () => {
  it('registers new declarations, then leaves identical ones alone without running the binary again', async () => {
    const { catalog, inspected, apply } = setup();
    assert.deepEqual((await apply([kv()])).map((o) => o.status), ['registered']);
    assert.equal(inspected.length, 1);
    assert.equal((await catalog.store.get('secret', 'kv-ext', 'v1.0.0'))?.sha256, shaV1);

    assert.deepEqual((await apply([kv()])).map((o) => o.status), ['unchanged']);
    assert.equal(inspected.length, 1, 'an unchanged declaration is not run again');
  });

  it('updates the entry of the same version when the declaration changes, and adds a new version beside the old', async () => {
    const { catalog, apply } = setup();
    await apply([kv()]);
    assert.deepEqual((await apply([kv({ env: ['MODE=fast'] })])).map((o) => o.status), ['updated']);
    assert.deepEqual((await catalog.store.get('secret', 'kv-ext', 'v1.0.0'))?.env, ['MODE=fast']);

    // v1 is no longer declared: it stays registered.
    await apply([kv({ command: 'kv-2.0.0', version: 'v2.0.0', sha256: shaV2 })]);
    assert.deepEqual((await catalog.store.versionsOf('secret', 'kv-ext')).map((e) => e.version).sort(), ['v1.0.0', 'v2.0.0']);
  });

  it('reports and skips a declaration it cannot honour, keeps what the catalog held, and goes on with the others', async () => {
    const { catalog, apply, warnings } = setup();
    await apply([kv()]);
    const outcomes = await apply([
      kv({ sha256: shaV2, declaredAt: 'server.hcl line 3' }), // the file is not that build
      kv({ name: 'missing', command: 'kv-9.9.9', version: 'v9.9.9' }),
      kv({ name: 'other', command: 'kv-2.0.0', version: 'v2.0.0', sha256: shaV2 }),
    ]);
    assert.deepEqual(outcomes.map((o) => [o.name, o.status]), [['kv-ext', 'failed'], ['missing', 'failed'], ['other', 'registered']]);
    assert.match(outcomes[0]!.error!, /sha256 mismatch for plugin "kv-ext"/);
    assert.match(outcomes[1]!.error!, /plugin binary "kv-9\.9\.9" was not found in the plugin directory/);
    assert.equal((await catalog.store.get('secret', 'kv-ext', 'v1.0.0'))?.sha256, shaV1, 'the old entry is untouched');
    assert.equal(await catalog.store.get('secret', 'missing', 'v9.9.9'), null);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0]!, /declared plugin secret "kv-ext" was not registered; the server starts without it/);
  });

  it('registers a declaration in its runtime; a runtime change is an update; an unknown runtime fails it', async () => {
    const { catalog, apply } = setup();
    assert.deepEqual((await apply([kv({ runtime: 'sandboxed' })])).map((o) => o.status), ['registered']);
    assert.equal((await catalog.store.get('secret', 'kv-ext', 'v1.0.0'))?.runtime, 'sandboxed');
    assert.deepEqual((await apply([kv({ runtime: 'sandboxed' })])).map((o) => o.status), ['unchanged']);
    assert.deepEqual((await apply([kv()])).map((o) => o.status), ['updated']);
    assert.equal((await catalog.store.get('secret', 'kv-ext', 'v1.0.0'))?.runtime, undefined);
    const [failed] = await apply([kv({ runtime: 'nope' })]);
    assert.equal(failed!.status, 'failed');
    assert.match(failed!.error!, /plugin runtime "nope" is not registered/);
  });

  it('notices a registered file that was replaced on disk although its declaration did not change', async () => {
    const { apply } = setup();
    const replaced = kv({ name: 'replaced', command: 'kv-3.0.0', version: 'v3.0.0', sha256: sha256Of(writeScript(dir, 'kv-3.0.0', 'echo v3')) });
    await apply([replaced]);
    writeScript(dir, 'kv-3.0.0', 'echo tampered');
    const [outcome] = await apply([replaced]);
    assert.equal(outcome!.status, 'failed');
    assert.match(outcome!.error!, /sha256 mismatch/);
  });
});
