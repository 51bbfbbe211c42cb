import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyLocks } from './key-locks.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('KeyLocks', () => {
  it('runs writers of one key one at a time, in arrival order', async () => {
    const locks = new KeyLocks();
    const events: string[] = [];
    const job = (name: string) =>
      locks.write('k', async () => {
        events.push(`${name} start`);
        await tick();
        events.push(`${name} end`);
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    assert.deepEqual(events, ['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    assert.equal(locks.activeKeys, 0);
  });

  it('lets readers share, keeps writers out while they read, and does not block other keys', async () => {
    const locks = new KeyLocks();
    const events: string[] = [];
    const reader = (name: string) =>
      locks.read('k', async () => {
        events.push(`${name} start`);
        await tick();
        events.push(`${name} end`);
      });
    const writer = locks.write('k', async () => {
      events.push('w');
    });
    const other = locks.write('other', async () => {
      events.push('other');
    });
    await Promise.all([writer, reader('r1'), reader('r2'), other]);
    assert.equal(events[0], 'w');
    assert.equal(events[1], 'other');
    // Both readers started before either finished.
    assert.deepEqual(events.slice(2, 4).sort(), ['r1 start', 'r2 start']);
    assert.equal(locks.activeKeys, 0);
  });

  it('does not let new readers overtake a waiting writer', async () => {
    const locks = new KeyLocks();
    const events: string[] = [];
    const first = locks.read('k', async () => {
      await tick();
      events.push('r1');
    });
    const writer = locks.write('k', async () => {
      events.push('w');
    });
    const late = locks.read('k', async () => {
      events.push('r2');
    });
    await Promise.all([first, writer, late]);
    assert.deepEqual(events, ['r1', 'w', 'r2']);
  });

  it('releases the lock when the work fails', async () => {
    const locks = new KeyLocks();
    await assert.rejects(locks.write('k', async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await locks.write('k', async () => 'next'), 'next');
    assert.equal(locks.activeKeys, 0);
  });
});
