import { KEYRING_PATH } from '../../barrier/index.js';
import type { CoreModule } from './module.js';

/** The barrier's keyring: reloaded when another node rotates or rekeys it (the HA standby will invalidate `core/keyring`). */
export const keyringModule: CoreModule = {
  name: 'keyring',
  needs: ['barrier'],
  build(ctx) {
    const barrier = ctx.get('barrier');
    return { invalidation: [{ prefix: KEYRING_PATH, invalidate: (key) => (key === KEYRING_PATH ? barrier.reloadKeyring() : undefined) }] };
  },
};
