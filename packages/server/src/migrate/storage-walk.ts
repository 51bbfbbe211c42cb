import type { Storage } from '@coffer/sdk';

/**
 * Every key under `prefix`, depth first over sorted children, which is
 * ascending byte order of the full keys (a folder "a/" sorts after "a" and
 * before "a0", and everything under it shares its prefix). Migration and
 * backups rely on that order to resume from a key.
 */
export async function* walkKeys(storage: Storage, prefix = ''): AsyncGenerator<string> {
  for (const child of await storage.list(prefix)) {
    if (child.endsWith('/')) yield* walkKeys(storage, prefix + child);
    else yield prefix + child;
  }
}
