import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedMutex } from './keyed-mutex.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('KeyedMutex', () => {
  it('runs work for one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        mutex.run('k', async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          log.push(`start ${n}`);
          await tick();
          log.push(`end ${n}`);
          inside--;
        }),
      ),
    );
    assert.equal(maxInside, 1);
    assert.deepEqual(log, ['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
    assert.equal(mutex.activeKeys, 0, 'idle keys are forgotten');
  });

  it('lets different keys run concurrently and survives a failing holder', async () => {
    const mutex = new KeyedMutex();
    let inside = 0;
    let maxInside = 0;
    const work = async (): Promise<void> => {
      inside++;
      maxInside = Math.max(maxInside, inside);
      await tick();
      inside--;
    };
    await Promise.all([mutex.run('a', work), mutex.run('b', work)]);
    assert.equal(maxInside, 2);
    await assert.rejects(mutex.run('a', async () => Promise.reject(new Error('boom'))), /boom/);
    assert.equal(await mutex.run('a', async () => 'next'), 'next');
  });
});
