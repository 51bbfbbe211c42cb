import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { CofferError } from '@coffer/sdk';

/**
 * plugin_directory: the only place plugin binaries may be run from. A
 * command is a path relative to it; absolute paths and ".." are refused,
 * and after following symlinks the file must still be inside it.
 */
export class PluginDirectory {
  constructor(readonly path: string | undefined) {}

  get configured(): boolean {
    return Boolean(this.path);
  }

  /**
   * The real absolute path of `command`, checked: it exists, is a regular
   * executable file, and (symlinks followed) lies inside the directory.
   * Called at registration and again before every launch.
   */
  async resolve(command: string): Promise<string> {
    const dir = await this.realDirectory();
    const clean = checkCommand(command);
    const candidate = join(dir, clean);
    let target: string;
    try {
      target = await realpath(candidate);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new CofferError('invalid_request', `plugin binary "${clean}" was not found in the plugin directory ${dir}: copy the binary there (or fix the command) and try again`);
      }
      throw new CofferError('invalid_request', `cannot read plugin binary "${clean}" in ${dir}: ${(err as Error).message}`);
    }
    if (!isInside(dir, target)) {
      throw new CofferError('invalid_request', `plugin binary "${clean}" resolves to ${target}, outside the plugin directory ${dir}: symlinks must point inside plugin_directory; copy the binary into it instead`);
    }
    const info = await stat(target);
    if (!info.isFile()) throw new CofferError('invalid_request', `plugin command "${clean}" is not a regular file: give the name of an executable in ${dir}`);
    try {
      await access(target, constants.X_OK);
    } catch {
      throw new CofferError('invalid_request', `plugin binary "${clean}" is not executable: run chmod +x on it`);
    }
    return target;
  }

  /** The directory itself, symlinks resolved, or a message telling the operator to set it. */
  async realDirectory(): Promise<string> {
    if (!this.path) {
      throw new CofferError(
        'invalid_request',
        'no plugin directory is configured, so external plugins cannot be registered or run: set plugin_directory in the server configuration (or start a dev server with -dev-plugin-dir) and put the plugin binary there',
      );
    }
    try {
      const real = await realpath(this.path);
      if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
      return real;
    } catch {
      throw new CofferError('invalid_request', `plugin_directory ${this.path} does not exist or is not a directory: create it or fix the server configuration`);
    }
  }
}

/** Validates a command's shape before it touches the file system. */
export function checkCommand(command: string): string {
  if (!command) throw new CofferError('invalid_request', 'missing command value: give the file name of the plugin binary inside plugin_directory');
  if (command.includes('\0')) throw new CofferError('invalid_request', 'invalid command: it contains a NUL byte');
  if (isAbsolute(command)) {
    throw new CofferError('invalid_request', `command "${command}" is an absolute path: give the file name relative to plugin_directory instead`);
  }
  const parts = command.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new CofferError('invalid_request', `command "${command}" contains "..": plugin binaries must be inside plugin_directory`);
  if (parts.length === 0) throw new CofferError('invalid_request', `command "${command}" names no file`);
  return parts.join('/');
}

function isInside(dir: string, target: string): boolean {
  const rel = relative(dir, target);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
