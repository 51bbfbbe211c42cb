// Writes a file so that readers see the old contents or the new, never a
// mix: a temporary file in the same directory, fsynced, then renamed over
// the destination. The temp file is created with the final mode, so the
// contents are never readable by more than the mode allows.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(path: string, contents: string | Buffer, mode: number): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    // The process umask may have narrowed the mode given to open().
    await handle.chmod(mode);
    await handle.writeFile(contents);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** Says why a directory cannot take files, or undefined when it can. */
export async function checkWritableDir(dir: string): Promise<string | undefined> {
  const probe = join(dir, `.coffer-agent-probe-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
    await rm(probe, { force: true });
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      ENOENT: 'the directory does not exist',
      ENOTDIR: 'a part of the path is not a directory',
      EACCES: 'permission denied',
      EPERM: 'permission denied',
      EROFS: 'read-only file system',
    };
    return reasons[code ?? ''] ?? (code ?? (err as Error).message);
  }
}
