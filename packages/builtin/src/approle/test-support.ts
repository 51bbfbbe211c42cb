// Shared by the approle tests.
import assert from 'node:assert/strict';
import { isCofferError } from '@coffer/sdk';

/** Asserts that `promise` rejects with a CofferError of `code` (and, if given, that message). */
export async function rejects(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isCofferError(err), `expected a CofferError, got ${String(err)}`);
    assert.equal(err.code, code, `code of "${err.message}"`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}
