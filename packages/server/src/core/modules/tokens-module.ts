import { CofferError, StorageView, clearPrefix, type Storage } from '@coffer/sdk';
import { cubbyholePrefix } from '@coffer/builtin';
import { authenticateStage } from '../pipeline/stage-authenticate.js';
import { tokenIssueStage } from '../pipeline/stage-token-issue.js';
import { tokenUseStage } from '../pipeline/stage-token-use.js';
import { mountTtls } from '../system-view.js';
import { createTokenLayer } from '../token-layer.js';
import type { CoreModule } from './module.js';

/** Where token entries live, by salted id (token/store.ts keeps them under its sys/token/ view). */
const TOKEN_ENTRY_PREFIX = 'sys/token/id/';

/** The token store (auth/token/), and the pipeline stages that authenticate, charge uses and issue login tokens. */
export const tokensModule: CoreModule = {
  name: 'tokens',
  needs: ['barrier', 'expiration', 'metrics', 'mounts', 'policies', 'systemTtls'],
  uses: ['identity'],
  provides: ['tokens'],
  build(ctx) {
    const mounts = ctx.get('mounts');
    const policies = ctx.get('policies');
    const systemTtls = ctx.get('systemTtls');
    const identity = ctx.later('identity');
    const cubbyholeStorage = (): Storage => {
      const entry = mounts.find('mounts', 'cubbyhole/');
      if (!entry) throw new CofferError('internal', 'the cubbyhole mount is missing');
      return mounts.storageOf(entry);
    };
    const tokens = createTokenLayer({
      barrier: ctx.get('barrier'),
      expiration: ctx.get('expiration'),
      logger: ctx.logger,
      metrics: ctx.get('metrics'),
      tokenMountTtls: () => {
        const entry = mounts.find('auth', 'token/');
        return entry ? mountTtls(entry, systemTtls()) : systemTtls();
      },
      destroyCubbyhole: (cubbyholeId) => clearPrefix(new StorageView(cubbyholeStorage(), cubbyholePrefix(cubbyholeId))),
      policyExists: async (name) => (await policies.get(name)) !== null,
      identityPolicies: (entityId) => identity().policiesOf(entityId),
      entityForAlias: async (aliasName) => {
        const entry = mounts.find('auth', 'token/');
        if (!entry) throw new CofferError('internal', 'the token mount is missing');
        return identity().entityForAlias(entry.accessor, aliasName);
      },
    });
    const ttlsOf = (entry: Parameters<typeof mountTtls>[0]) => mountTtls(entry, systemTtls());
    return {
      services: { tokens },
      invalidation: [{ prefix: TOKEN_ENTRY_PREFIX, invalidate: (key) => tokens.store.invalidateEntry(key.slice(TOKEN_ENTRY_PREFIX.length)) }],
      stages: [
        { name: 'authenticate', stage: authenticateStage(tokens.port) },
        { name: 'token-use', stage: tokenUseStage(tokens.port, ctx.logger) },
        { name: 'token-issue', stage: tokenIssueStage({ tokens: tokens.port, mountTtls: ttlsOf }) },
      ],
    };
  },
};
