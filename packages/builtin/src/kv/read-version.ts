// data/ and subkeys/ read a version of a secret the same way; only what they
// make of its data differs.
import { notFound, type Request, type Response } from '@coffer/sdk';
import { isGone, versionOf, versionView } from './key-metadata.js';
import type { VersionedContext } from './versioned-context.js';
import { getMetadata, getVersionData } from './versioned-store.js';

export interface VersionAnswers {
  /** The version is deleted or destroyed: it answers 404 but its metadata is still told. */
  gone(metadata: Record<string, unknown>): Response;
  present(data: Record<string, unknown>, metadata: Record<string, unknown>): Response;
}

/**
 * Under the key's read lock, finds the requested version (the current one
 * when `requested` is 0 or less); a missing key or version is "not found".
 */
export async function readVersion(
  ctx: VersionedContext,
  req: Request,
  key: string,
  requested: number,
  answers: VersionAnswers,
): Promise<Response> {
  return ctx.locks.read(key, async () => {
    const meta = await getMetadata(req.storage, key);
    if (!meta) throw notFound();
    const version = requested > 0 ? requested : meta.current_version;
    const vm = versionOf(meta, version);
    if (!vm) throw notFound();
    const metadata = versionView(meta, version, vm);
    if (isGone(vm, ctx.now())) return answers.gone(metadata);
    const data = await getVersionData(req.storage, key, version);
    return answers.present(data, metadata);
  });
}
