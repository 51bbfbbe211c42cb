import { lstat, rmdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';

/**
 * Removes what a plugin that died without cleaning up (SIGKILL, a crash)
 * left of its unix socket. The path comes from the plugin's handshake, so
 * only the socket itself is unlinked (nothing that is not a socket), and its
 * directory only when it is an empty directory directly in the temporary
 * directory, as the SDK (and Python's tempfile.mkdtemp) create them.
 */
export async function removeLeftoverSocket(socketPath: string): Promise<void> {
  try {
    if ((await lstat(socketPath)).isSocket()) await unlink(socketPath);
  } catch {
    // already gone (the plugin cleaned up after itself) or not ours to remove
  }
  const dir = dirname(socketPath);
  if (dirname(dir) !== tmpdir()) return;
  await rmdir(dir).catch(() => undefined);
}
