import type { PathDefinition } from '@coffer/sdk';
import type { SysDeps } from './deps.js';

/** sys/internal/specs/openapi: one document built from every mount's path declarations. */
export function openapiPaths(deps: SysDeps): PathDefinition[] {
  return [
    {
      pattern: 'internal/specs/openapi',
      fields: { generic_mount_paths: { type: 'bool', default: false, query: true } },
      operations: {
        read: async (req) => ({ data: await deps.openapi(req) }),
        update: async (req) => ({ data: await deps.openapi(req) }),
      },
      helpSynopsis: 'The OpenAPI document of every path the calling token can reach.',
    },
  ];
}
