// A plugin binary that is wrong at unseal time (replaced by other bytes, or
// deleted) must not keep the server sealed: the server unseals, every other
// mount serves, the broken mount answers with an error that names the
// problem, the log says which mount failed and why, and once the right
// binary is back, `plugin reload -mounts=ext/` brings the mount back with
// its data. Run on an in-process server with the plugin catalog wired in.
import assert from 'node:assert/strict';
import { appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Logger } from '@coffer/sdk';
import { installExternalKv, startPluginServer, type PluginTestServer } from './support/external-kv.js';

interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  msg: string;
}

/** A Logger that keeps every line (with its child bindings), so a test can look for one. */
function capturingLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      lines.push({ level, fields: { ...bindings, ...(typeof obj === 'object' && obj !== null ? (obj as Record<string, unknown>) : { value: obj }) }, msg: msg ?? '' });
    };
  return {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
  };
}

const PLUGIN = 'kv-ext';

describe('unsealing with a broken external plugin binary', () => {
  const lines: LogLine[] = [];
  let server: PluginTestServer;
  let sha256: string;

  const seal = async (): Promise<void> => {
    await server.core.seal.seal();
    assert.equal(server.core.isSealed(), true);
  };
  const unseal = async (): Promise<void> => {
    await server.core.seal.submitUnsealKey({ key: server.unsealKey });
    assert.equal(server.core.isSealed(), false, 'the server unseals despite the broken plugin');
  };

  /** Every mount that does not depend on the plugin answers with its data. */
  const othersServe = async (): Promise<void> => {
    const builtin = await server.request('GET', 'builtin/app');
    assert.equal(builtin.status, 200, JSON.stringify(builtin.body));
    assert.deepEqual(builtin.body.data, { color: 'blue' });
    const secret = await server.request('GET', 'secret/data/db');
    assert.equal(secret.status, 200, JSON.stringify(secret.body));
    assert.deepEqual(secret.body.data.data, { password: 'dev' });
  };

  const extServes = async (): Promise<void> => {
    const read = await server.request('GET', 'ext/app');
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.deepEqual(read.body.data, { token: 'external-data' });
    const mounts = await server.request('GET', 'sys/mounts');
    assert.equal(mounts.body.data['ext/'].running_sha256, sha256);
    assert.equal(mounts.body.data['ext/'].error, undefined);
  };

  /** ext/ answers with an error naming `problem`, for reads and writes, and the log names the mount. */
  const extBroken = async (problem: RegExp): Promise<void> => {
    for (const [method, body] of [['GET', undefined], ['POST', { token: 'refused' }], ['LIST', undefined]] as const) {
      const res = await server.request(method, method === 'LIST' ? 'ext/' : 'ext/app', body);
      assert.ok(res.status >= 400 && res.status < 600, `${method}: status ${res.status}`);
      assert.notEqual(res.status, 404, `${method}: a broken mount is not "nothing there"`);
      assert.equal(res.body.errors.length, 1, JSON.stringify(res.body));
      assert.match(res.body.errors[0], /ext\//, `${method}: the error names the mount`);
      assert.match(res.body.errors[0], problem, `${method}: the error names the problem`);
      assert.ok(!JSON.stringify(res.body).includes('external-data'));
    }
    const mounts = await server.request('GET', 'sys/mounts');
    assert.equal(mounts.status, 200);
    assert.match(String(mounts.body.data['ext/'].error), problem, 'sys/mounts shows why the mount is down');
    const logged = lines.filter((l) => l.level === 'error' && l.fields['mount'] === 'ext/');
    assert.ok(logged.length > 0, `no error line for ext/ in the log:\n${lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.fields)}`).join('\n')}`);
    assert.match(String(logged.at(-1)!.fields['err']), problem);
  };

  /** Puts the registered binary back and reloads ext/ alone. */
  const restoreAndReload = async (): Promise<void> => {
    assert.equal(await installExternalKv(server.pluginDir, PLUGIN), sha256);
    const reload = await server.request('PUT', 'sys/plugins/reload/backend', { mounts: ['ext/'] });
    assert.ok(reload.status === 200 || reload.status === 204, `reload: ${reload.status} ${JSON.stringify(reload.body)}`);
    await extServes();
    await othersServe();
  };

  before(async () => {
    server = await startPluginServer({ logger: capturingLogger(lines) });
    sha256 = await installExternalKv(server.pluginDir, PLUGIN);
    const registered = await server.request('PUT', `sys/plugins/catalog/secret/${PLUGIN}`, { sha256, command: PLUGIN });
    assert.equal(registered.status, 204, JSON.stringify(registered.body));
    assert.equal((await server.request('POST', 'sys/mounts/ext', { type: PLUGIN })).status, 204);
    assert.equal((await server.request('POST', 'ext/app', { token: 'external-data' })).status, 204);
    assert.equal((await server.request('POST', 'sys/mounts/builtin', { type: 'kv' })).status, 204);
    assert.equal((await server.request('POST', 'builtin/app', { color: 'blue' })).status, 204);
    assert.equal((await server.request('POST', 'secret/data/db', { data: { password: 'dev' } })).status, 200);
    await extServes();
    await othersServe();
  });

  after(async () => {
    await server?.close();
  });

  test('a binary replaced by other bytes: unseal succeeds, ext/ reports the sha256 mismatch until restored and reloaded', async () => {
    await seal();
    appendFileSync(join(server.pluginDir, PLUGIN), '\n// a different build\n');
    lines.length = 0;
    await unseal();
    await othersServe();
    await extBroken(/sha256 mismatch/);

    // A reload while the binary is still wrong fails and says why; the mount stays down.
    const early = await server.request('PUT', 'sys/plugins/reload/backend', { mounts: ['ext/'] });
    assert.ok(early.status >= 400, `reload with the wrong binary: ${early.status} ${JSON.stringify(early.body)}`);
    assert.match(JSON.stringify(early.body), /sha256 mismatch/);
    await extBroken(/sha256 mismatch/);

    await restoreAndReload();
  });

  test('a deleted binary: unseal succeeds, ext/ reports the missing binary until restored and reloaded', async () => {
    await seal();
    rmSync(join(server.pluginDir, PLUGIN));
    lines.length = 0;
    await unseal();
    await othersServe();
    await extBroken(/not found/);
    await restoreAndReload();
  });

  test('the data written through the plugin survives both episodes, and new writes work', async () => {
    assert.equal((await server.request('POST', 'ext/second', { n: 2 })).status, 204);
    const list = await server.request('LIST', 'ext/');
    assert.deepEqual(list.body.data.keys, ['app', 'second']);
  });
});
