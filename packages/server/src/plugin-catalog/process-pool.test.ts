import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { silentLogger } from '@coffer/sdk';
import type { ProcessLimits } from '../plugin-runtime/index.js';
import type { CatalogEntry } from './catalog-entry.js';
import { ProcessPool, type PooledProcess } from './process-pool.js';

// The warm spare of plugin_warm_spares: a reload in place takes a process
// started ahead of time (never used before), the binary is checked again
// when it is taken, and the spare goes away with the plugin's last mount.

interface FakeProcess extends PooledProcess {
  id: number;
  killed: boolean;
  warmedUp: boolean;
}

const dir = mkdtempSync(join(tmpdir(), 'coffer-pool-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function install(bytes: string): string {
  writeFileSync(join(dir, 'plugin'), bytes, { mode: 0o755 });
  return createHash('sha256').update(bytes).digest('hex');
}

function harness(warmSpares: boolean, resolveRuntime?: (runtime: string) => Promise<ProcessLimits>) {
  const launched: FakeProcess[] = [];
  const limits: (ProcessLimits | undefined)[] = [];
  const pool = new ProcessPool({
    spareDelayMs: 0,
    resolveCommand: async (command) => join(dir, command),
    ...(resolveRuntime ? { resolveRuntime } : {}),
    launch: async ({ name, sandbox }) => {
      limits.push(sandbox);
      let exit!: () => void;
      const exited = new Promise<{ code: number; signal: null; requested: boolean }>((resolve) => {
        exit = () => resolve({ code: 0, signal: null, requested: true });
      });
      const proc: FakeProcess = {
        id: launched.length + 1,
        name,
        killed: false,
        warmedUp: false,
        get isExited() {
          return proc.killed;
        },
        exited,
        kill: async () => {
          proc.killed = true;
          exit();
          return exited;
        },
        dispense: async () => {
          throw new Error('not used here');
        },
        dispenseDatabase: () => {
          throw new Error('not used here');
        },
        warmUp: async () => {
          proc.warmedUp = true;
        },
      };
      launched.push(proc);
      return proc;
    },
    logger: silentLogger,
    warmSpares,
  });
  return { pool, launched, limits };
}

const entryFor = (sha256: string): CatalogEntry => ({ name: 'kv', type: 'secret', version: '', command: 'plugin', args: [], env: [], sha256 });
// Mounts hold processes; any object does.
const mountAAfterReload1 = { holder: 'mount-a@1' };
const mountAAfterReload2 = { holder: 'mount-a@2' };
const mountA = { holder: 'mount-a' };
const mountAfterReload1 = { holder: 'm@1' };
const mountAfterReload2 = { holder: 'm@2' };
const mount = { holder: 'm' };
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('process pool: warm spares', () => {
  it('a reload in place takes the spare, which was never used, and prepares the next one', async () => {
    const { pool, launched } = harness(true);
    const entry = entryFor(install('v1'));
    const first = (await pool.acquire(entry, mountA)) as FakeProcess;
    assert.equal(first.id, 1);
    assert.equal(launched.length, 1, 'no spare before any reload');

    // First reload: nothing prepared yet, so a launch; a spare is started beside it.
    const second = (await pool.acquire(entry, mountAAfterReload1, pool.mark())) as FakeProcess;
    await pool.release(first, mountA);
    await settle();
    assert.equal(launched.length, 3);
    const spare = launched.find((p) => p !== first && p !== second)!;
    assert.equal(spare.warmedUp, true, 'the spare is connected ahead of time');
    assert.equal(first.killed, true);
    assert.equal(spare.killed, false, 'the spare survives the old process');
    assert.equal(pool.running().length, 1, 'the spare serves nothing and is not listed as running');

    // Second reload: the spare is taken (a new launch number), and the next spare starts.
    const third = (await pool.acquire(entry, mountAAfterReload2, pool.mark())) as FakeProcess;
    await settle();
    assert.equal(third, spare);
    assert.ok(pool.seqOf(third)! > pool.seqOf(second)!, 'the spare counts as launched after the reload began');
    assert.equal(launched.length, 4);
    const nextSpare = launched.find((p) => ![first, second, third].includes(p))!;
    await pool.release(second, mountAAfterReload1);

    // The last mount goes: the serving process and the spare both stop.
    await pool.release(third, mountAAfterReload2);
    assert.equal(third.killed, true);
    await settle();
    assert.equal(nextSpare.killed, true, 'no spare outlives the plugin’s last mount');
  });

  it('a spare whose binary changed on disk is refused and stopped', async () => {
    const { pool, launched } = harness(true);
    const entry = entryFor(install('v1'));
    const first = await pool.acquire(entry, mount);
    const second = await pool.acquire(entry, mountAfterReload1, pool.mark());
    await pool.release(first, mount);
    await settle();
    const spare = launched.find((p) => p !== first && p !== second)!;
    install('replaced bytes');
    await assert.rejects(pool.acquire(entry, mountAfterReload2, pool.mark()), /sha256|SHA-256/i);
    assert.equal(spare.killed, true);
  });

  it('launches with the plugin runtime\'s limits, read at each launch; a changed runtime drops the spares', async () => {
    let memoryBytes = 64 * 1024 * 1024;
    const { pool, launched, limits } = harness(true, async (runtime) => ({ runtime, memoryBytes, cpuNanos: 0, pidsMax: 0, cgroupParent: '', runAsUser: '', allowNetwork: false }));
    const entry: CatalogEntry = { ...entryFor(install('v1')), runtime: 'tight' };
    const first = await pool.acquire(entry, mount);
    assert.equal(limits[0]?.memoryBytes, 64 * 1024 * 1024);
    assert.equal(limits[0]?.runtime, 'tight');
    const second = await pool.acquire(entry, mountAfterReload1, pool.mark());
    await pool.release(first, mount);
    await settle();
    const spare = launched.find((p) => p !== first && p !== second)!;

    memoryBytes = 128 * 1024 * 1024;
    pool.dropSpares();
    await settle();
    assert.equal(spare.killed, true, 'the spare was started under the old runtime');
    const third = (await pool.acquire(entry, mountAfterReload2, pool.mark())) as FakeProcess;
    assert.notEqual(third, spare);
    assert.equal(limits[launched.indexOf(third)]?.memoryBytes, 128 * 1024 * 1024);
  });

  it('without plugin_warm_spares a reload launches and no spare runs', async () => {
    const { pool, launched } = harness(false);
    const entry = entryFor(install('v1'));
    const first = await pool.acquire(entry, mount);
    await pool.acquire(entry, mountAfterReload1, pool.mark());
    await pool.release(first, mount);
    await settle();
    assert.equal(launched.length, 2);
  });
});
