import { createBackend, type Backend, type BackendConfig, type BackendFactory } from '@coffer/sdk';
import type { ApproleContext } from './context.js';
import { HmacKeyStore } from './hmac-key.js';
import { KeyedMutex } from '@coffer/sdk';
import { pathLogin, renewLogin } from './path-login.js';
import { pathRoleFields } from './path-role-fields.js';
import { pathRoleId } from './path-role-id.js';
import { pathRoles } from './path-roles.js';
import { pathSecretIdManage } from './path-secret-id-manage.js';
import { pathSecretId } from './path-secret-id.js';
import { pathTidySecretId, TidyRunner } from './path-tidy.js';

export interface ApproleOptions {
  /** Milliseconds since the epoch (tests inject a clock to expire secret IDs without waiting). */
  now?: () => number;
}

const HELP =
  'The approle auth method lets machines and applications log in with a role ID and a secret ID. Operators ' +
  'create roles under "role/", read a role\'s role ID, and generate secret IDs for it; a client logs in at ' +
  '"login" and receives a token with the token settings of the role. Secret IDs can be limited in uses, ' +
  'lifetime and source addresses, and are stored only as HMACs.';

export async function createApproleBackend(conf: BackendConfig, options: ApproleOptions = {}): Promise<Backend> {
  const ctx: ApproleContext = {
    system: conf.system,
    logger: conf.logger,
    now: options.now ?? Date.now,
    hmacKey: new HmacKeyStore(),
    locks: new KeyedMutex(),
  };
  const tidy = new TidyRunner(ctx);
  return createBackend({
    type: 'credential',
    help: HELP,
    pathsSpecial: {
      unauthenticated: ['login'],
      localStorage: ['secret_id_local/', 'accessor_local/'],
    },
    paths: [
      pathLogin(ctx),
      ...pathRoles(ctx),
      pathRoleId(ctx),
      ...pathRoleFields(ctx),
      ...pathSecretId(ctx),
      ...pathSecretIdManage(ctx),
      pathTidySecretId(tidy),
    ],
    authRenew: renewLogin(),
    // Create the HMAC key at mount time rather than on the first request.
    initialize: async ({ storage }) => {
      await ctx.hmacKey.key(storage);
    },
    invalidate: (key) => ctx.hmacKey.invalidate(key),
    periodic: async ({ storage }) => {
      await tidy.run(storage);
    },
  });
}

export const approleFactory: BackendFactory = (conf) => createApproleBackend(conf);
