import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SharedRounds } from './shared-rounds.js';

/** A round that finishes when the test says so. */
function controlledRounds(): { rounds: SharedRounds; started: number[]; finish: (err?: Error) => void } {
  const started: number[] = [];
  let finishers: ((err?: Error) => void)[] = [];
  const rounds = new SharedRounds(
    () =>
      new Promise<void>((resolve, reject) => {
        started.push(started.length + 1);
        finishers.push((err) => (err ? reject(err) : resolve()));
      }),
  );
  const finish = (err?: Error): void => {
    const f = finishers.shift();
    assert.ok(f, 'no round is running');
    f(err);
  };
  return { rounds, started, finish };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SharedRounds', () => {
  it('callers during a round share the next one, which starts only when the first ends', async () => {
    const { rounds, started, finish } = controlledRounds();
    let firstDone = false;
    const first = rounds.run().then(() => (firstDone = true));
    const later = Array.from({ length: 10 }, () => rounds.run());
    await tick();
    assert.deepEqual(started, [1], 'the later callers wait: the running round may predate them');
    finish();
    await first;
    await tick();
    assert.deepEqual(started, [1, 2], 'one more round for all ten later callers');
    let laterDone = false;
    const all = Promise.all(later).then(() => (laterDone = true));
    await tick();
    assert.equal(laterDone, false, 'they wait for their own round to finish');
    finish();
    await all;
    assert.ok(firstDone && laterDone);
    assert.deepEqual(started, [1, 2]);
  });

  it('a failed round fails its callers only; the next caller starts afresh', async () => {
    const { rounds, started, finish } = controlledRounds();
    const first = rounds.run();
    const queued = rounds.run();
    finish(new Error('etcd down'));
    await assert.rejects(first, /etcd down/);
    await tick();
    finish();
    await queued;
    const again = rounds.run();
    await tick();
    finish();
    await again;
    assert.deepEqual(started, [1, 2, 3]);
  });
});
