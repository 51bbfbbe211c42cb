import { createBackend, type BackendConfig, type FrameworkBackend } from '@coffer/sdk';
import { KeyLocks } from './key-locks.js';
import { MountConfigStore } from './mount-config.js';
import { configPath } from './path-config.js';
import { dataPath } from './path-data.js';
import { invalidPath } from './path-invalid.js';
import { metadataPath } from './path-metadata.js';
import { subkeysPath } from './path-subkeys.js';
import { versionPaths } from './path-versions.js';
import { CONFIG_KEY } from './storage-layout.js';
import type { Clock } from './time.js';
import { upgradeV1Keys } from './upgrade.js';
import type { VersionedContext } from './versioned-context.js';

/** The version 2 (versioned) K/V engine. */
export function versionedBackend(conf: BackendConfig, now: Clock): FrameworkBackend {
  const ctx: VersionedContext = { config: new MountConfigStore(), locks: new KeyLocks(), now, logger: conf.logger };
  return createBackend({
    type: 'logical',
    help: `
The versioned key-value store (K/V version 2) keeps arbitrary secrets, each a
JSON object, and every version of them: a write adds a version, older versions
stay readable until max_versions pushes them out. Versions can be soft-deleted
and restored, or destroyed for good. Check-and-set makes writes conditional,
delete_version_after lets versions expire, and custom_metadata describes a
secret across its versions. Like every secret in storage, the data is encrypted
by the barrier before it is written.
`,
    paths: [configPath(ctx), dataPath(ctx), metadataPath(ctx), subkeysPath(ctx), ...versionPaths(ctx), invalidPath()],
    initialize: async ({ storage }) => {
      await upgradeV1Keys(ctx, storage);
    },
    invalidate: (key) => {
      if (key === CONFIG_KEY) ctx.config.invalidate();
    },
  });
}
