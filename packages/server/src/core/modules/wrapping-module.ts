import { CofferError, StorageView, type Storage } from '@coffer/sdk';
import { cubbyholePrefix } from '@coffer/builtin';
import { wrapStage } from '../pipeline/stage-wrap.js';
import { ResponseWrapper } from '../wrapping.js';
import type { CoreModule } from './module.js';

/** Response wrapping: the wrapper (sys/wrapping/*, the system view) and the wrap stage. */
export const wrappingModule: CoreModule = {
  name: 'wrapping',
  needs: ['tokens', 'mounts'],
  provides: ['wrapper'],
  build(ctx) {
    const tokens = ctx.get('tokens');
    const mounts = ctx.get('mounts');
    // Wrapped responses live in the wrapping token's own cubbyhole, so they vanish with it.
    // A token on its last use, pending revocation, must still find its cubbyhole (unwrapping with the wrapping token).
    const cubbyholeOf = async (token: string): Promise<Storage> => {
      const entry = await tokens.store.lookup(token, { tainted: true });
      if (!entry) throw new CofferError('invalid_request', 'wrapping token is not valid or does not exist');
      if (!entry.cubbyholeId) throw new CofferError('internal', 'token has no cubbyhole');
      const cubbyhole = mounts.find('mounts', 'cubbyhole/');
      if (!cubbyhole) throw new CofferError('internal', 'the cubbyhole mount is missing');
      return new StorageView(mounts.storageOf(cubbyhole), cubbyholePrefix(entry.cubbyholeId));
    };
    const wrapper = new ResponseWrapper({ tokens: tokens.port, cubbyholeOf });
    return { services: { wrapper }, stages: [{ name: 'wrap', stage: wrapStage(wrapper) }] };
  },
};
