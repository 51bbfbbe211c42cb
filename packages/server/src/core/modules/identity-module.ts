import { CofferError, type Auth, type Backend, type Response } from '@coffer/sdk';
import { createIdentityBackend, identityLoginPoliciesStage, identityLoginStage, entityForLogin, identityAfterRenewal, identityPolicies, identityStage, IdentityStore, requestIdentity } from '../../identity/index.js';
import type { RequestIdentity } from '../pipeline/stage.js';
import { routerPath, storagePrefix, type MountEntry } from '../../mounts/mount-entry.js';
import type { CoreModule } from './module.js';

/** What the rest of the core uses of the identity store. */
export interface IdentityService {
  store: IdentityStore;
  /** The identity/ mount's backend (built once; the store behind it is the module's). */
  backend: Backend;
  /** Policies a token of this entity gets from the entity and its groups (none when the entity is gone). */
  policiesOf(entityId: string): string[];
  /** What a request of a token with this entity gets (policies, template values); null without an entity; throws for a disabled one. */
  requestIdentity(entityId: string): RequestIdentity | null;
  /** The id of the entity with this alias on the mount, created with it when missing (token create's entity_alias). */
  entityForAlias(mountAccessor: string, aliasName: string): Promise<string>;
  /** On a login token's renewal: keep its entity; the groups the auth method reports again replace that mount's external memberships. */
  afterRenewal(input: { leaseAuth: Auth | undefined; mountAccessor: string | undefined; response: Response | null }): Promise<Response | null>;
}

declare module './module.js' {
  interface CoreServices {
    identity: IdentityService;
  }
}

/**
 * The identity store: entities, aliases and groups behind the identity/
 * mount; the stage that adds an entity's policies to each request; the
 * login stages that find or create the entity; and the cache's
 * invalidation (a record changed below it, by another node, is re-read).
 */
export const identityModule: CoreModule = {
  name: 'identity',
  needs: ['mounts', 'serverAddress'],
  provides: ['identity'],
  build(ctx) {
    const mounts = ctx.get('mounts');
    const identityMount = (): MountEntry => {
      const entry = mounts.find('mounts', 'identity/');
      if (!entry) throw new CofferError('internal', 'the identity mount is missing');
      return entry;
    };
    const store = new IdentityStore({
      storage: () => mounts.storageOf(identityMount()),
      mountByAccessor: (accessor) => {
        const entry = mounts.findByAccessor(accessor);
        return entry ? { accessor, type: entry.type, path: routerPath(entry), local: entry.local } : undefined;
      },
      logger: ctx.logger,
      serverAddress: ctx.get('serverAddress'),
    });
    const service: IdentityService = {
      store,
      backend: createIdentityBackend(store),
      policiesOf: (entityId) => {
        const entity = store.entity(entityId);
        return entity ? identityPolicies(store, entity) : [];
      },
      afterRenewal: (input) => identityAfterRenewal(store, input),
      requestIdentity: (entityId) => requestIdentity(store, entityId),
      entityForAlias: async (mountAccessor, aliasName) => {
        const found = store.aliasByName(mountAccessor, aliasName);
        return found ? found.entity.id : (await entityForLogin(store, { mountAccessor, alias: { name: aliasName } })).id;
      },
    };
    return {
      services: { identity: service },
      stages: [
        { name: 'identity', after: 'authenticate', stage: identityStage(store) },
        { name: 'identity-login', after: 'lease', stage: identityLoginStage(store) },
        { name: 'identity-login-policies', after: 'token-issue', stage: identityLoginPoliciesStage(store) },
      ],
      invalidation: [
        {
          prefix: 'logical/',
          invalidate: (key) => {
            const entry = mounts.find('mounts', 'identity/');
            const prefix = entry ? storagePrefix(entry) : undefined;
            return prefix && key.startsWith(prefix) ? store.invalidate(key.slice(prefix.length)) : undefined;
          },
          // A change-feed gap or a promotion (HA): read every record again.
          invalidateAll: () => store.load(),
        },
      ],
      start: () => store.load(),
      stop: async () => store.clear(),
    };
  },
};
