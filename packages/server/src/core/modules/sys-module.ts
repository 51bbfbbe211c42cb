import { builtinSource, isBuiltinType } from '../../mounts/builtin-source.js';
import { createSystemBackend } from '../../sys/backend.js';
import { openApiForRequest } from '../openapi.js';
import type { CoreModule } from './module.js';

/**
 * The core's own backends: sys/ (with every sys path other modules
 * contribute) and auth/token/, next to the built-in engines.
 */
export const sysModule: CoreModule = {
  name: 'sys',
  needs: ['mounts', 'acl', 'tokens', 'wrapper', 'barrier', 'policies', 'router', 'systemTtls', 'sealControl'],
  uses: ['plugins', 'identity'],
  provides: ['builtinSource'],
  build(ctx) {
    const tokens = ctx.get('tokens');
    const barrier = ctx.get('barrier');
    const router = ctx.get('router');
    const policies = ctx.get('policies');
    const sealControl = ctx.get('sealControl');
    const plugins = ctx.later('plugins');
    const identity = ctx.later('identity');
    const system = async () =>
      createSystemBackend({
        mounts: ctx.get('mounts'),
        systemTtls: ctx.get('systemTtls'),
        acl: ctx.get('acl'),
        tokenInfo: (token) => tokens.port.check(token, undefined),
        tokenInfoByAccessor: (accessor) => tokens.infoByAccessor(accessor),
        identityOf: (entityId) => {
          try {
            return identity().requestIdentity(entityId);
          } catch {
            // A disabled entity's token has no capabilities beyond its own policies' here; requests are refused anyway.
            return null;
          }
        },
        wrapper: ctx.get('wrapper'),
        seal: () => sealControl.sealFromRequest(),
        rotate: () => barrier.rotate(),
        keyStatus: () => barrier.keyStatus(),
        openapi: (req) => openApiForRequest(router, policies, req),
        knownType: async (kind, type) => isBuiltinType(kind, type) || (await plugins().knownType(kind, type)),
        logger: ctx.logger,
        // Read when the sys/ mount is started (mount load), after every module contributed its paths.
        extraPaths: ctx.sysPaths(),
        extraRootPaths: ctx.sysSpecialPaths().root,
        extraUnauthenticatedPaths: ctx.sysSpecialPaths().unauthenticated,
      });
    return { services: { builtinSource: builtinSource({ system, token: async () => tokens.backend, identity: async () => identity().backend }) } };
  },
};
