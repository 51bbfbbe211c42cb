// Flags and body shared by "kv metadata put" and "kv metadata patch".
import type { Context } from '../cli/context.js';
import type { FlagSpec } from '../cli/flags.js';
import { goDurationString } from '../format/duration.js';
import { MOUNT_FLAG } from './common.js';

export const METADATA_FLAGS: FlagSpec[] = [
  {
    name: 'max-versions',
    kind: 'int',
    default: -1,
    usage: 'The number of versions to keep. If not set, the backend\'s configured max version is used.',
  },
  {
    name: 'cas-required',
    kind: 'bool',
    usage:
      'If true the key will require the cas parameter to be set on all write requests. If false, the backend\'s configuration will be used.',
  },
  {
    name: 'delete-version-after',
    kind: 'duration',
    usage:
      'Specifies the length of time before a version is deleted. If not set, the backend\'s configured delete-version-after is used. Cannot be greater than the backend\'s delete-version-after. The delete-version-after is specified as a numeric string with a suffix like "30s" or "3h25m19s".',
  },
  {
    name: 'custom-metadata',
    kind: 'map',
    usage:
      'Specifies arbitrary version-agnostic key=value metadata meant to describe a secret. This can be specified multiple times to add multiple pieces of metadata.',
  },
  MOUNT_FLAG,
];

/** The metadata fields a user set on the command line. */
export function metadataBody(ctx: Context): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const maxVersions = ctx.flags.int('max-versions') ?? -1;
  if (maxVersions >= 0) body.max_versions = maxVersions;
  if (ctx.flags.isSet('cas-required')) body.cas_required = ctx.flags.bool('cas-required');
  const after = ctx.flags.duration('delete-version-after');
  if (after !== undefined && after >= 0) body.delete_version_after = goDurationString(after);
  const custom = ctx.flags.map('custom-metadata');
  if (Object.keys(custom).length > 0) body.custom_metadata = custom;
  return body;
}
