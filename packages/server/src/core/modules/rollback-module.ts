import { callBackend } from '../backend-calls.js';
import type { CoreModule } from './module.js';

/** How often each mount's periodic function runs. */
const PERIODIC_INTERVAL_MS = 60_000;

/** Vault's rollback manager: every mount's periodic function (tidy, rotation) runs once a minute on the active node. */
export const rollbackModule: CoreModule = {
  name: 'rollback',
  needs: ['router', 'mounts'],
  build(ctx) {
    const router = ctx.get('router');
    let timer: NodeJS.Timeout | undefined;
    let running = false;
    const runPeriodic = async (): Promise<void> => {
      for (const route of router.all()) {
        if (!running) return;
        await callBackend(router, route.path, 'rollback', {}).catch((err: unknown) => {
          ctx.logger.debug({ mount: route.path, err: err instanceof Error ? err.message : String(err) }, 'periodic function failed');
        });
      }
    };
    return {
      // Only the active node of an HA cluster runs periodic functions.
      active: {
        start: async () => {
          running = true;
          timer = setInterval(() => void runPeriodic(), PERIODIC_INTERVAL_MS);
          timer.unref();
        },
        stop: async () => {
          running = false;
          clearInterval(timer);
        },
      },
    };
  },
};
