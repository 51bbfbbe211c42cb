import type { PathDefinition, Response } from '@coffer/sdk';
import type { SysDeps } from './deps.js';

/** sys/internal/specs/openapi: one document built from every mount's path declarations. */
export function openapiPaths(deps: SysDeps): PathDefinition[] {
  return [
    {
      pattern: 'internal/specs/openapi',
      fields: { generic_mount_paths: { type: 'bool', default: false, query: true } },
      operations: {
        read: async (req) => rawJson(await deps.openapi(req)),
        update: async (req) => rawJson(await deps.openapi(req)),
      },
      helpSynopsis: 'The OpenAPI document of every path the calling token can reach.',
    },
  ];
}

/** Vault answers with the OpenAPI document itself, not inside the usual response envelope. */
function rawJson(doc: Record<string, unknown>): Response {
  return { data: { http_status_code: 200, http_content_type: 'application/json', http_raw_body: JSON.stringify(doc) } };
}
