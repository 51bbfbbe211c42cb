// What every networked storage's HA lock must do, declared once and run by each
// backend's test file (test/storage/etcd.test.ts, postgresql.test.ts) inside its
// "HA lock" describe, against two open instances sharing one store.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { HABackend } from '@coffer/server/physical/ha.js';

export interface HaLockContractSubject {
  a: HABackend;
  b: HABackend;
  /** A third instance on the same store, which the contract closes itself. */
  openThird(): Promise<HABackend & { close(): Promise<void> }>;
  /** Longer than the lock's TTL: a holder that keeps renewing still holds it after this long. */
  outlastTtlMs: number;
}

export function haLockContract(subject: () => HaLockContractSubject): void {
  it('two nodes contend: one holds, holder() reports it, release hands over', async () => {
    const { a, b, outlastTtlMs } = subject();
    const lockA = a.lockWith('core/lock', '{"node":"a"}');
    const lockB = b.lockWith('core/lock', '{"node":"b"}');
    const heldA = await lockA.acquire(new AbortController().signal);
    assert.ok(heldA && !heldA.aborted);
    assert.deepEqual(await lockB.holder(), { held: true, value: '{"node":"a"}' });

    let bHolds = false;
    const waitingB = lockB.acquire(new AbortController().signal).then((s) => ((bHolds = true), s));
    // B keeps trying for longer than the TTL while A renews: A keeps the lock.
    await new Promise((r) => setTimeout(r, outlastTtlMs));
    assert.equal(bHolds, false, 'B got the lock while A held it');
    assert.equal(heldA.aborted, false, 'A lost the lock although it renewed');

    await lockA.release();
    assert.ok(heldA.aborted, 'releasing ends the held signal');
    const heldB = await waitingB;
    assert.ok(heldB && !heldB.aborted);
    assert.deepEqual(await lockA.holder(), { held: true, value: '{"node":"b"}' });
    await lockB.release();
    assert.deepEqual(await lockA.holder(), { held: false, value: '' });
  });

  it('acquire() returns null when stopped while waiting', async () => {
    const { a, b } = subject();
    const lockA = a.lockWith('core/stop', 'a');
    assert.ok(await lockA.acquire(new AbortController().signal));
    const stop = new AbortController();
    const waiting = b.lockWith('core/stop', 'b').acquire(stop.signal);
    setTimeout(() => stop.abort(), 300);
    assert.equal(await waiting, null);
    await lockA.release();
  });

  it('closing the storage ends a wait for the lock', async () => {
    const { a, openThird } = subject();
    const lockA = a.lockWith('core/closing', 'a');
    assert.ok(await lockA.acquire(new AbortController().signal));
    const c = await openThird();
    const waiting = c.lockWith('core/closing', 'c').acquire(new AbortController().signal);
    await new Promise((r) => setTimeout(r, 200));
    await c.close();
    assert.equal(await waiting, null);
    assert.deepEqual(await lockA.holder(), { held: true, value: 'a' });
    await lockA.release();
  });
}
