// Flags and output shared by the kv commands.
import type { Secret } from '../api/secret.js';
import type { Context } from '../cli/context.js';
import type { FlagSpec } from '../cli/flags.js';
import { outputData, outputSecret, printRawField } from '../format/output.js';
import { headerForMap, outputPath } from './paths.js';

export const MOUNT_FLAG: FlagSpec = {
  name: 'mount',
  kind: 'string',
  usage:
    'Specifies the path where the KV backend is mounted. If specified, the next argument will be interpreted as the secret path. If this flag is not specified, the next argument will be interpreted as the combined mount path and secret path, with /data/ automatically appended between KV v2 secrets.',
};

export const VERSIONS_FLAG: FlagSpec = {
  name: 'versions',
  kind: 'slice',
  usage: 'Specifies the version numbers, as a comma-separated list or by repeating the flag.',
};

/** -versions values; numeric ones are sent as numbers. */
export function parseVersions(ctx: Context): Array<number | string> {
  return ctx.flags.list('versions').map((v) => (/^\d+$/.test(v) ? Number.parseInt(v, 10) : v));
}

/**
 * Output after a KV write (put/patch): the path and the new version's
 * metadata as tables, or the envelope in JSON/YAML.
 */
export function outputKvWrite(ctx: Context, fullPath: string, secret: Secret | null): number {
  if (!secret) {
    if (ctx.format === 'table') ctx.ui.info(`Success! Data written to: ${fullPath}`);
    return 0;
  }
  if (ctx.field) return printRawField(ctx.ui, { secret }, ctx.field);
  if (secret.wrap_info && (secret.wrap_info.ttl ?? 0) !== 0) return outputSecret(ctx.ui, secret);
  if (ctx.format === 'table') {
    outputPath(ctx.ui, fullPath, 'Secret Path');
    const metadata = secret.data ?? {};
    ctx.ui.info(headerForMap('Metadata', metadata));
    return outputData(ctx.ui, metadata);
  }
  return outputSecret(ctx.ui, secret);
}

/** Output after a plain KV write/delete that returns nothing on success. */
export function outputKvSimple(ctx: Context, message: string, secret: Secret | null): number {
  if (!secret) {
    if (ctx.format === 'table') ctx.ui.info(message);
    return 0;
  }
  return outputSecret(ctx.ui, secret);
}
