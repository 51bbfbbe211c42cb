import { open, type FileHandle } from 'node:fs/promises';
import { CofferError } from '@coffer/sdk';
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
  let queue: Promise<void> = Promise.resolve();
  return {
    write(line) {
      const next = queue.then(() => handle.write(line).then(() => undefined));
      queue = next.catch(() => undefined);
      return next;
    },
    async reopen() {
      await queue;
      await handle.close();
      handle = await open(filePath, 'a', mode);
    },
    async close() {
      await queue;
      await handle.close();
    },
  };
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
