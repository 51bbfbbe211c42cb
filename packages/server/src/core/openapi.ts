import { mergeOpenApi, openApiDocument, prefixOpenApiPaths, type OpenApiPaths, type PathDefinition, type Request } from '@coffer/sdk';
import type { PolicyStore } from '../policy/index.js';
import type { Router } from './router.js';
import { REPORTED_VERSION } from './version.js';

/** sys/internal/specs/openapi: the document of every mount the calling token can reach, as in Vault. */
export async function openApiForRequest(router: Router, policies: PolicyStore, req: Request): Promise<Record<string, unknown>> {
  const docs: OpenApiPaths[] = [];
  const acl = await policies.acl(req.policies);
  for (const route of router.all()) {
    if (!acl.hasMountAccess(route.path)) continue;
    const backend = route.backend as { paths?: PathDefinition[] };
    if (!backend.paths) {
      // External plugins answer a help request with their document.
      const help = await route.backend.handleRequest({ ...req, operation: 'help', path: '', storage: route.storage }).catch(() => null);
      const doc = help?.data?.['openapi'] as Partial<OpenApiPaths> | undefined;
      if (doc?.paths) docs.push(prefixOpenApiPaths({ paths: doc.paths }, route.path));
      continue;
    }
    // Given the mount path, openApiDocument already writes full paths ("/secret/data/{path}").
    docs.push(openApiDocument(backend.paths, { mountPath: route.path, backendType: route.backend.type, specialPaths: route.backend.specialPaths() }));
  }
  // The document becomes the response data as a whole (Vault answers with the document itself).
  return { ...mergeOpenApi(docs, { version: REPORTED_VERSION }) };
}
