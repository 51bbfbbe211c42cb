import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { CofferError, type Logger, type StorageEntry } from '@coffer/sdk';
import type { PhysicalBackend } from './types.js';
import { fsyncDir, prepareDirectory } from './storage-directory.js';
import { checkEntry } from './entry-check.js';
import { requirePath, warnUnknownKeys } from './config-keys.js';
import { LEAF_PREFIX, locateKey, locatePrefix, type FileEntryDocument, type FileLocation } from './file-layout.js';

/** Temp files are written beside their target and never start with "_", so list() never shows them. */
const TEMP_PREFIX = '.tmp-';
/** A put retries when a concurrent delete removes its freshly created (still empty) directory. */
const PUT_ATTEMPTS = 10;

const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException)?.code;

/**
 * Vault's file storage layout (see file-layout.ts). Every write goes to a
 * temp file that is fsynced and then renamed over the target, so a reader or
 * a crash sees the old value or the new one, never half of one. Deletes
 * remove directories left empty. Not transactional.
 */
export class FileBackend implements PhysicalBackend {
  readonly name = 'file';

  constructor(readonly root: string) {}

  async get(key: string): Promise<StorageEntry | null> {
    const loc = locateKey(this.root, key);
    if (!loc) return null;
    let text: string;
    try {
      text = await fs.readFile(loc.file, 'utf8');
    } catch (err) {
      // EISDIR: "_a" is a folder of keys under "_a/", not the leaf "a".
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errno(err) ?? '')) return null;
      throw err;
    }
    return { key, value: this.decode(loc.file, text) };
  }

  async put(entry: StorageEntry): Promise<void> {
    checkEntry(entry);
    const loc = locateKey(this.root, entry.key);
    if (!loc) {
      throw new CofferError(
        'invalid_request',
        `storage key "${entry.key}" cannot be stored by the file backend: empty path segments and a trailing "/" are not allowed`,
      );
    }
    const doc: FileEntryDocument = { Key: entry.key, Value: Buffer.from(entry.value).toString('base64') };
    const data = JSON.stringify(doc) + '\n';
    for (let attempt = 0; attempt < PUT_ATTEMPTS; attempt++) {
      await this.makeFolders(loc, entry.key);
      const temp = join(loc.dir, TEMP_PREFIX + randomUUID());
      let handle: fs.FileHandle;
      try {
        handle = await fs.open(temp, 'wx', 0o600);
      } catch (err) {
        if (errno(err) === 'ENOENT') continue; // a concurrent delete removed the empty directory: make it again
        throw this.ioError(entry.key, err);
      }
      try {
        try {
          await handle.writeFile(data, 'utf8');
          await handle.sync();
        } finally {
          await handle.close();
        }
        await fs.rename(temp, loc.file);
      } catch (err) {
        await fs.rm(temp, { force: true });
        if (['EISDIR', 'ENOTEMPTY', 'EEXIST'].includes(errno(err) ?? '')) throw this.leafFolderClash(entry.key);
        throw this.ioError(entry.key, err);
      }
      await fsyncDir(loc.dir); // makes the rename itself durable
      return;
    }
    throw new CofferError('internal', `file storage: could not write "${entry.key}": its directory kept disappearing`);
  }

  async delete(key: string): Promise<void> {
    const loc = locateKey(this.root, key);
    if (!loc) return;
    try {
      await fs.unlink(loc.file);
    } catch (err) {
      // Missing, or "_a" is a folder rather than the leaf "a": nothing to delete either way.
      if (['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(errno(err) ?? '')) return;
      throw this.ioError(key, err);
    }
    await fsyncDir(loc.dir);
    await this.removeEmptyFolders(loc);
  }

  async list(prefix: string): Promise<string[]> {
    return this.listPage(prefix, '', 0);
  }

  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    const where = locatePrefix(this.root, prefix);
    if (!where) return [];
    let dirents;
    try {
      dirents = await fs.readdir(where.dir, { withFileTypes: true });
    } catch (err) {
      if (['ENOENT', 'ENOTDIR'].includes(errno(err) ?? '')) return [];
      throw err;
    }
    const { partial } = where;
    const children: string[] = [];
    for (const d of dirents) {
      if (d.isDirectory()) {
        if (d.name.startsWith(partial)) children.push(d.name.slice(partial.length) + '/');
      } else if (d.isFile() && d.name.startsWith(LEAF_PREFIX)) {
        const leaf = d.name.slice(LEAF_PREFIX.length);
        if (leaf.length > partial.length && leaf.startsWith(partial)) children.push(leaf.slice(partial.length));
      }
    }
    children.sort();
    const page = after === '' ? children : children.filter((c) => c > after);
    return limit > 0 ? page.slice(0, limit) : page;
  }

  async close(): Promise<void> {}

  private decode(file: string, text: string): Buffer {
    let doc: Partial<FileEntryDocument>;
    try {
      doc = JSON.parse(text) as Partial<FileEntryDocument>;
    } catch {
      doc = {};
    }
    // Go encodes an empty []byte as null; Vault-written files may hold either.
    if (doc && doc.Value === null) return Buffer.alloc(0);
    if (!doc || typeof doc.Value !== 'string') {
      throw new CofferError(
        'internal',
        `file storage: "${file}" is not a valid storage entry (expected JSON with a base64 "Value"); restore it from a backup or remove it`,
      );
    }
    return Buffer.from(doc.Value, 'base64');
  }

  private async makeFolders(loc: FileLocation, key: string): Promise<void> {
    let first: string | undefined;
    try {
      first = await fs.mkdir(loc.dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      if (['EEXIST', 'ENOTDIR'].includes(errno(err) ?? '')) throw this.leafFolderClash(key);
      throw this.ioError(key, err);
    }
    if (first === undefined) return;
    // A new directory is durable only once its parent is fsynced: walk from the
    // parent of the first one created down to the parent of the key's directory.
    let dir = dirname(first);
    await fsyncDir(dir);
    for (const segment of relative(dir, loc.dir).split('/').slice(0, -1)) {
      dir = join(dir, segment);
      await fsyncDir(dir);
    }
  }

  /** Like Vault: from the deepest folder up, remove empty directories; stop at the first one in use. */
  private async removeEmptyFolders(loc: FileLocation): Promise<void> {
    for (let depth = loc.folders.length; depth > 0; depth--) {
      const dir = join(this.root, ...loc.folders.slice(0, depth));
      try {
        await fs.rmdir(dir);
      } catch (err) {
        if (['ENOTEMPTY', 'EEXIST', 'ENOENT', 'EBUSY'].includes(errno(err) ?? '')) return;
        throw err;
      }
      await fsyncDir(dirname(dir));
    }
  }

  private leafFolderClash(key: string): CofferError {
    return new CofferError(
      'invalid_request',
      `storage key "${key}" cannot be stored by the file backend: a leaf "x" is kept as the file "_x", ` +
        `which clashes with a folder named "_x/" at the same level; use the sqlite backend for such keys`,
    );
  }

  private ioError(key: string, err: unknown): Error {
    if (errno(err) === 'ENAMETOOLONG') {
      return new CofferError('invalid_request', `storage key "${key}" has a path segment too long for the file system`);
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

export async function openFile(config: Record<string, string>, logger: Logger): Promise<FileBackend> {
  warnUnknownKeys('file', config, ['path'], logger);
  const root = resolve(requirePath('file', config));
  await prepareDirectory('file', root);
  logger.info({ path: root }, 'file storage opened');
  return new FileBackend(root);
}
