import { constants as fsConstants } from 'node:fs';
import * as fs from 'node:fs/promises';
import { CofferError } from '@coffer/sdk';

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException)?.code;

/** Creates the storage directory if needed and checks it is a writable directory. */
export async function prepareDirectory(type: string, dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = errno(err);
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new CofferError('invalid_request', `storage "${type}": path "${dir}" exists but is not a directory; point "path" at a directory`);
    }
    throw new CofferError(
      'unavailable',
      `storage "${type}": cannot create directory "${dir}" (${code ?? String(err)}); create it and make it writable by the Coffer server`,
      { cause: err },
    );
  }
  const stat = await fs.stat(dir);
  if (!stat.isDirectory()) {
    throw new CofferError('invalid_request', `storage "${type}": path "${dir}" exists but is not a directory; point "path" at a directory`);
  }
  try {
    await fs.access(dir, fsConstants.W_OK | fsConstants.X_OK);
  } catch (err) {
    throw new CofferError(
      'unavailable',
      `storage "${type}": directory "${dir}" is not writable (${errno(err) ?? String(err)}); make it writable by the Coffer server's user`,
      { cause: err },
    );
  }
}

/** fsync a directory so that entries created, renamed or removed in it survive a crash. Best effort. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
    await handle.sync();
  } catch {
    // Some file systems refuse to fsync directories; the file data itself is already synced.
  } finally {
    await handle?.close();
  }
}
