import { createBackend, type Backend } from '@coffer/sdk';
import { SYS_ROOT_PATHS, SYS_UNAUTHENTICATED_PATHS } from '../core/sys-root-paths.js';
import { leaseRootPaths } from '../expiration/index.js';
import type { SysDeps } from './deps.js';
import { capabilitiesPaths } from './paths-capabilities.js';
import { internalUiPaths } from './paths-internal-ui.js';
import { mountTablePaths, remountPaths } from './paths-mounts.js';
import { openapiPaths } from './paths-openapi.js';
import { sealPaths } from './paths-seal.js';
import { toolsPaths } from './paths-tools.js';
import { wrappingPaths } from './paths-wrapping.js';

/** The system backend mounted at sys/: built with the same framework as every engine. */
export function createSystemBackend(deps: SysDeps): Backend {
  return createBackend({
    type: 'logical',
    help: 'The system backend is built into Coffer and cannot be remounted or disabled. It configures the server itself: mounts, auth methods, policies, audit devices, leases, plugins and the seal.',
    paths: [
      ...mountTablePaths(deps, 'mounts'),
      ...mountTablePaths(deps, 'auth'),
      ...remountPaths(deps),
      ...capabilitiesPaths(deps),
      ...wrappingPaths(deps),
      ...toolsPaths(),
      ...internalUiPaths(deps),
      ...openapiPaths(deps),
      ...sealPaths(deps),
      ...deps.extraPaths,
    ],
    pathsSpecial: {
      root: [...new Set([...SYS_ROOT_PATHS, ...leaseRootPaths, ...(deps.extraRootPaths ?? [])])],
      unauthenticated: [...new Set([...SYS_UNAUTHENTICATED_PATHS, ...(deps.extraUnauthenticatedPaths ?? [])])],
    },
  });
}
