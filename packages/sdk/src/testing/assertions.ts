import assert from 'node:assert/strict';
import { isCofferError } from '../errors.js';
import type { Backend } from '../logical/backend.js';
import type { PathDefinition } from '../framework/types.js';

/**
 * Asserts that `promise` rejects with a CofferError of `code`; when
 * `message` is given, the message equals it (string) or matches it (RegExp).
 */
export async function assertRejectsWithCode(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isCofferError(err), `expected a CofferError, got ${String(err)}`);
    assert.equal(err.code, code, `code of "${err.message}"`);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/**
 * Asserts that a framework backend documents itself: every path has a
 * synopsis and a description and every field a description, because
 * path-help and the OpenAPI document are built from them.
 */
export function assertEveryPathDocumented(backend: Backend): void {
  const paths = (backend as { paths?: readonly PathDefinition[] }).paths ?? [];
  assert.ok(paths.length > 0, 'the backend declares no paths');
  for (const path of paths) {
    assert.ok((path.helpSynopsis ?? '').length > 10, `synopsis of ${path.pattern}`);
    assert.ok((path.helpDescription ?? '').length > 30, `description of ${path.pattern}`);
    for (const [name, field] of Object.entries(path.fields ?? {})) {
      assert.ok((field.description ?? '').length > 10, `description of ${name} in ${path.pattern}`);
    }
  }
}
