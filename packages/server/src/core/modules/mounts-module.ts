import { MountBoundary } from '../../mounts/mount-boundary.js';
import { MountManager } from '../../mounts/mount-manager.js';
import { defaultMounts } from '../default-mounts.js';
import { dispatchStage } from '../pipeline/stage-dispatch.js';
import { existenceStage } from '../pipeline/stage-existence.js';
import { requestStage } from '../pipeline/stage-request.js';
import { routeStage } from '../pipeline/stage-route.js';
import type { Route } from '../router.js';
import { systemViewFor } from '../system-view.js';
import type { CoreModule } from './module.js';

/**
 * The mount and auth tables, the router's contents and the mount boundary.
 * Mounts are loaded at start (after every module is built, so the sys/ and
 * auth/token/ backends can be made); nothing is routed before that.
 */
export const mountsModule: CoreModule = {
  name: 'mounts',
  needs: ['barrier', 'router', 'expiration', 'systemTtls'],
  uses: ['plugins', 'wrapper', 'passwordPolicies'],
  provides: ['mounts', 'boundary'],
  async build(ctx) {
    const barrier = ctx.get('barrier');
    const router = ctx.get('router');
    const expiration = ctx.get('expiration');
    const systemTtls = ctx.get('systemTtls');
    const plugins = ctx.later('plugins');
    const wrapper = ctx.later('wrapper');
    const passwordPolicies = ctx.later('passwordPolicies');
    const boundary = await MountBoundary.open(barrier);
    const mounts = new MountManager({
      barrier,
      // A backend needs no news of its own writes: its data goes through the barrier unreported.
      dataStorage: barrier.unreported,
      router,
      source: {
        create: (entry, conf) => plugins().source.create(entry, conf),
        checkVersion: async (entry, version) => {
          const source = plugins().source;
          return source.checkVersion ? source.checkVersion(entry, version) : version;
        },
      },
      systemViewFor: (entry) =>
        systemViewFor(entry, {
          systemTtls,
          wrapData: (data, ttl) => wrapper().wrap({ result: { requestId: globalThis.crypto.randomUUID(), response: { data } }, ttl, creationPath: 'sys/wrapping/wrap' }),
          openDatabasePlugin: (name, version) => plugins().openDatabasePlugin?.(name, version) ?? Promise.resolve(null),
          generatePassword: (policy) => passwordPolicies().generate(policy),
        }),
      logger: ctx.logger,
      revokeLeasesUnder: (prefix) => expiration.revokePrefix(prefix, { sync: true }),
      defaultMounts,
    });
    const mountError = (route: Route) => mounts.runningInfo(route.entry).error;
    return {
      services: { mounts, boundary },
      stages: [
        { name: 'route', stage: routeStage(router) },
        { name: 'request', stage: requestStage(boundary) },
        { name: 'existence', stage: existenceStage(mountError) },
        { name: 'dispatch', stage: dispatchStage(mountError) },
      ],
      invalidation: [
        { prefix: 'core/mounts', invalidate: (key) => (key === 'core/mounts' ? mounts.reload('mounts') : undefined) },
        { prefix: 'core/auth', invalidate: (key) => (key === 'core/auth' ? mounts.reload('auth') : undefined) },
        // Each backend's own invalidate(key), with the key inside its storage view.
        { prefix: 'logical/', invalidate: (key) => mounts.invalidateData(key) },
        { prefix: 'auth/', invalidate: (key) => mounts.invalidateData(key) },
      ],
      start: () => mounts.load(),
      stop: () => mounts.unload(),
    };
  },
};
