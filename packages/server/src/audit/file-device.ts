import { open, type FileHandle } from 'node:fs/promises';
import { CofferError, KeyedMutex } from '@coffer/sdk';
import type { AuditDevice } from './device.js';

/**
 * Vault's `file` audit device: one JSON line per entry appended to a file
 * (mode 0600 by default), or written to stdout with file_path=stdout, or
 * dropped with file_path=discard.
 */
export async function createFileDevice(options: Record<string, string>): Promise<AuditDevice> {
  const filePath = options['file_path'] ?? options['path'];
  if (!filePath) throw new CofferError('invalid_request', 'the file audit device needs file_path (a file, "stdout" or "discard")');
  if (filePath === 'stdout') return streamDevice((line) => process.stdout.write(line));
  if (filePath === 'discard') return streamDevice(() => true);
  const mode = options['mode'] ? parseInt(options['mode'], 8) : 0o600;
  if (Number.isNaN(mode)) throw new CofferError('invalid_request', `invalid mode "${options['mode']}": use an octal file mode such as 0600`);

  let handle: FileHandle;
  try {
    handle = await open(filePath, 'a', mode);
  } catch (err) {
    throw new CofferError('invalid_request', `cannot open audit file "${filePath}": ${(err as NodeJS.ErrnoException).code ?? String(err)}; check that its directory exists and is writable`);
  }
  // Lines are written one at a time so that concurrent requests never interleave bytes.
  // One entry at a time: lines never interleave, and reopen/close wait for the writes before them.
  const turns = new KeyedMutex();
  // Set when a failed entry left a fragment that could not be removed: the next entry starts on a new line.
  let fragmentLeft = false;
  const appendLine = async (line: string): Promise<void> => {
    const data = Buffer.from(fragmentLeft ? `\n${line}` : line, 'utf8');
    const written = await writeFully(handle, data);
    if (written.error === undefined) {
      fragmentLeft = false;
      return;
    }
    if (written.bytes > 0) fragmentLeft = !(await removeTail(handle, written.bytes)) || fragmentLeft;
    throw new CofferError('internal', `audit file "${filePath}": the entry could not be written completely (${written.bytes} of ${data.length} bytes): ${describe(written.error)}`);
  };
  return {
    write(line) {
      return turns.run('file', () => appendLine(line));
    },
    reopen() {
      return turns.run('file', async () => {
        await handle.close();
        handle = await open(filePath, 'a', mode);
      });
    },
    close() {
      return turns.run('file', () => handle.close());
    },
  };
}

/**
 * Appends all of `data`: a short write (a full disk writes what fits and
 * reports success) is continued, and the error that stops it is returned
 * with the number of bytes that did reach the file.
 */
async function writeFully(handle: FileHandle, data: Buffer): Promise<{ bytes: number; error?: unknown }> {
  let bytes = 0;
  try {
    // An empty write still reaches the file: the broker's test write relies on it to refuse /dev/full and the like.
    if (data.length === 0) await handle.write('');
    while (bytes < data.length) {
      const { bytesWritten } = await handle.write(data, bytes, data.length - bytes, null);
      if (bytesWritten <= 0) return { bytes, error: new Error('the file accepted no more bytes') };
      bytes += bytesWritten;
    }
    return { bytes };
  } catch (error) {
    return { bytes, error };
  }
}

/** Cuts the fragment of a failed entry off the end of the file; false when that failed too. */
async function removeTail(handle: FileHandle, bytes: number): Promise<boolean> {
  try {
    const { size } = await handle.stat();
    await handle.truncate(Math.max(0, size - bytes));
    return true;
  } catch {
    return false;
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (err instanceof Error ? err.message : String(err));
}

function streamDevice(write: (line: string) => boolean): AuditDevice {
  return {
    async write(line) {
      write(line);
    },
    async reopen() {},
    async close() {},
  };
}
