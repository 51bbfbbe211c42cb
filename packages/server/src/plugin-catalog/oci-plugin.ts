import { createHash } from 'node:crypto';
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CofferError } from '@coffer/sdk';
import { parseImageRef, pullBinary } from './oci-image.js';
import { checkCommand, type PluginDirectory } from './plugin-directory.js';
import { fileSha256 } from './sha256.js';

/** Pulled binaries live here, inside plugin_directory, by sha256: two versions never overwrite each other. */
export const OCI_CACHE_DIR = '.oci-cache';

export interface ImageDeclaration {
  name: string;
  version: string;
  sha256: string;
  image: string;
  /** The binary's file name inside the image (default: the plugin's name). */
  binaryName?: string;
}

/**
 * Makes sure the binary a declaration's `image` names is in the plugin
 * directory, pulling it only when it is not there already (with the declared
 * sha256), and returns its command (its path inside the directory). A pulled
 * file whose sha256 is not the declared one is refused and not written.
 */
export async function materializeImage(declaration: ImageDeclaration, directory: PluginDirectory): Promise<string> {
  const binaryName = checkCommand(declaration.binaryName || declaration.name);
  if (binaryName.includes('/')) throw new CofferError('invalid_request', `binary_name "${binaryName}" must be a file name, not a path`);
  const command = `${OCI_CACHE_DIR}/${declaration.sha256}/${binaryName}`;
  const target = join(await directory.realDirectory(), command);
  if ((await fileSha256(target).catch(() => '')) === declaration.sha256) return command;

  const ref = parseImageRef(declaration.image, declaration.version);
  const bytes = await pullBinary(ref, binaryName);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== declaration.sha256) {
    throw new CofferError(
      'invalid_request',
      `sha256 mismatch for plugin "${declaration.name}": "${binaryName}" in image ${declaration.image} has sha256 ${actual}, but the declaration says ${declaration.sha256}; nothing was written`,
    );
  }
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  const partial = `${target}.partial-${process.pid}`;
  await writeFile(partial, bytes, { mode: 0o755 });
  await chmod(partial, 0o755);
  await rename(partial, target);
  return command;
}
