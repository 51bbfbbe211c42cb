import assert from 'node:assert/strict';
import { InmemStorage, isCofferError, type Response } from '@coffer/sdk';
import { createTestBackend, type TestBackend } from '@coffer/sdk/testing/index.js';
import { createKvFactory } from '../factory.js';

/** A clock the test moves by hand. */
export class ManualClock {
  private ms: number;
  constructor(start = Date.UTC(2024, 0, 2, 3, 4, 5, 678)) {
    this.ms = start;
  }
  now = (): Date => new Date(this.ms);
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export interface KvMount {
  t: TestBackend;
  clock: ManualClock;
  storage: InmemStorage;
}

/** A kv mount of the given version on in-memory storage, with a manual clock. */
export async function mountKv(version: '1' | '2', opts: { storage?: InmemStorage; clock?: ManualClock; config?: Record<string, string> } = {}): Promise<KvMount> {
  const clock = opts.clock ?? new ManualClock();
  const storage = opts.storage ?? new InmemStorage();
  const t = await createTestBackend(createKvFactory({ now: clock.now }), {
    config: { version, ...(opts.config ?? {}) },
    storage,
    mountType: 'kv',
    mountPoint: 'secret/',
  });
  return { t, clock, storage };
}

/** Assert a request fails with a CofferError of this status (and, if given, exactly these messages). */
export async function rejectsWith(promise: Promise<unknown>, status: number, errors?: string[]): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isCofferError(err), `expected a CofferError, got ${String(err)}`);
    assert.equal(err.status, status, `status of "${err.message}"`);
    if (errors) assert.deepEqual(err.errors, errors);
    return true;
  });
}

/** The data of a response that must have some. */
export function dataOf(resp: Response | null): Record<string, unknown> {
  assert.ok(resp, 'expected a response');
  assert.ok(resp.data, 'expected response data');
  return resp.data;
}
